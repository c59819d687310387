import TFRecord
import Foundation

/// Which record files a run reads: the TFRecord paths it was given, or the
/// embedded synthetic dataset (made on first use) when it was given none, so
/// that every command and pipeline works out of the box without real data.
public struct DataSelection: Sendable, Equatable {
    /// The training files, in order.
    public let trainFiles: [String]
    /// The validation files, in order; empty when real training files came without any.
    public let validationFiles: [String]
    /// The format of the records (the synthetic dataset's own when synthetic).
    public let format: YT8MRecordFormat
    /// Whether the files are the embedded synthetic dataset's.
    public let isSynthetic: Bool

    /// A selection of already resolved files.
    public init(trainFiles: [String], validationFiles: [String], format: YT8MRecordFormat, isSynthetic: Bool) {
        self.trainFiles = trainFiles
        self.validationFiles = validationFiles
        self.format = format
        self.isSynthetic = isSynthetic
    }

    /// The files for a record level. `train` and `validation` are files,
    /// directories or globs (`RecordFileDiscovery`); with no `train`, the
    /// embedded synthetic dataset's splits of `level` (its validation split
    /// unless `validation` is given), generated first if it is not cached yet.
    /// - Parameters:
    ///   - train: training files, directories or globs; empty for the embedded synthetic dataset.
    ///   - validation: validation files, directories or globs; with no `train`, empty means the synthetic validation split.
    ///   - level: whether the video-level or the frame-level files are wanted.
    ///   - format: the record format (feature keys, class count) the files are read with.
    ///   - progress: `(videos written, total)` while the synthetic dataset is made;
    ///     generation takes a while on first use, so callers show it.
    public static func resolve(train: [String], validation: [String], level: YT8MDatasetLevel, format: YT8MRecordFormat,
                               progress: ((Int, Int) -> Void)? = nil) throws -> DataSelection {
        if train.isEmpty {
            let directory = try SyntheticData.defaultDataset(progress: progress)
            let info = try SyntheticData.info(of: directory)
            let validate = validation.isEmpty ? info.paths(split: "validate", level: level, in: directory)
                : try RecordFileDiscovery.files(for: validation)
            return DataSelection(trainFiles: info.paths(split: "train", level: level, in: directory),
                                 validationFiles: validate, format: info.format, isSynthetic: true)
        }
        return DataSelection(trainFiles: try RecordFileDiscovery.files(for: train),
                             validationFiles: validation.isEmpty ? [] : try RecordFileDiscovery.files(for: validation),
                             format: format, isSynthetic: false)
    }

    /// Segment-rated files (the 2019 release) to fine-tune on: `train` and
    /// `validation` as ``resolve(train:validation:level:format:progress:)``
    /// finds them; with no `train`, the embedded synthetic dataset's
    /// segment-rated split, its last shard held out for validation unless
    /// `validation` is given (the real release's segment labels are only in
    /// its validation set, which users split the same way).
    public static func resolveSegmentRated(train: [String], validation: [String], format: YT8MRecordFormat,
                                           progress: ((Int, Int) -> Void)? = nil) throws -> DataSelection {
        guard train.isEmpty else { return try resolve(train: train, validation: validation, level: .frame, format: format) }
        let directory = try SyntheticData.defaultDataset(progress: progress)
        let info = try SyntheticData.info(of: directory)
        let rated = info.paths(split: SyntheticData.segmentSplit, level: .frame, in: directory)
        if validation.isEmpty, let last = rated.last, rated.count > 1 {
            return DataSelection(trainFiles: Array(rated.dropLast()), validationFiles: [last], format: info.format, isSynthetic: true)
        }
        return DataSelection(trainFiles: rated, validationFiles: try RecordFileDiscovery.files(for: validation),
                             format: info.format, isSynthetic: true)
    }
}
