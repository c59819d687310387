import YT8MData
import ArgumentParser
import Zoo

/// The YouTube-8M release whose keys and class count records follow.
enum DatasetRelease: String, ExpressibleByArgument, CaseIterable {
    case yt8m2018 = "2018"
    case yt8m2017 = "2017"
}

/// Options shared by subcommands that read YouTube-8M records.
struct FormatOptions: ParsableArguments {
    @Option(name: .customLong("release"),
            help: "Dataset release: 2018 (keys id/labels, 3862 classes; also 2019) or 2017 (video_id, 4716 classes).")
    var release: DatasetRelease = .yt8m2018

    @Option(help: "Override the number of classes of the release.")
    var numClasses: Int?

    @Option(help: "Override the key of the video id feature.")
    var idKey: String?

    func validate() throws {
        if let n = numClasses, n <= 0 {
            throw ValidationError("--num-classes must be positive, got \(n)")
        }
    }

    /// The record format these options describe.
    var format: YT8MRecordFormat {
        var format: YT8MRecordFormat = release == .yt8m2017 ? .yt8m2017 : .yt8m2018
        if let n = numClasses { format.numClasses = n }
        if let key = idKey { format.idKey = key }
        return format
    }
}
