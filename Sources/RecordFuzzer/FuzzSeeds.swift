import Foundation
import NN
import Tensor
import TFRecord
import YT8MData

/// The seed corpus: one valid input per reader (the starting points the
/// fuzzer mutates), made from the library's own writers so the seeds follow
/// the formats exactly. `scripts/fuzz.sh` keeps them in `Fuzz/seeds`.
enum FuzzSeeds {
    /// Writes the seeds into `directory` as `READER-N`; returns the names.
    static func write(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let format = YT8MRecordFormat.yt8m2018
        let video = try VideoLevelRecord(id: "Ab12", labels: [0, 7, 3861],
                                         features: format.videoFeatures.map { f in (0..<f.size).map { Float($0 % 7) / 7 - 0.5 } })
            .serialized(format: format)
        let frames = try FrameLevelRecord(id: "Cd34", labels: [5],
                                          frames: format.frameFeatures.map { f in (0..<(3 * f.size)).map { UInt8($0 % 251) } })
            .serialized(format: format)
        let segments = try FrameLevelRecord(id: "Ef-5_6", labels: [5, 9],
                                            frames: format.frameFeatures.map { f in (0..<(7 * f.size)).map { UInt8($0 % 253) } },
                                            segmentRatings: [SegmentRating(startTime: 0, label: 5, positive: true),
                                                             SegmentRating(startTime: 5, label: 9, positive: false)])
            .serialized(format: format)
        let tensorsPath = directory + "/.tensors.tmp"
        try SafeTensors.write(["w": Tensor([1, -2, 3.5, 0], shape: [2, 2]), "b": Tensor([0.25], shape: [1])],
                              metadata: ["step": "3"], to: tensorsPath)
        let tensors = [UInt8](try Data(contentsOf: URL(fileURLWithPath: tensorsPath)))
        try FileManager.default.removeItem(atPath: tensorsPath)
        let csv = Array("VideoId,LabelConfidencePairs\nAb12,0 0.912345 7 0.5\nCd34,5 1.000000\n".utf8)
        let segmentCSV = Array("Class,Segments\n5,Ef-5_6:0 Cd34:5\n9,Ef-5_6:5\n".utf8)

        let framed = { (payload: [UInt8]) in payload.withUnsafeBytes { TFRecordWriter.framed($0) } }
        let seeds: [(FuzzInput.Reader, [UInt8])] = [
            (.tfRecordFile, framed(video) + framed(frames)),
            (.exampleDecoders, video), (.exampleDecoders, frames), (.exampleDecoders, segments),
            (.datasetRecord, video), (.datasetRecord, frames), (.datasetRecord, segments),
            (.safetensorsFile, tensors),
            (.kaggleCSV, csv), (.kaggleCSV, segmentCSV),
        ]
        var names: [String] = []
        for (reader, bytes) in seeds {
            let name = "\(reader)-\(names.filter { $0.hasPrefix("\(reader)-") }.count)"
            try Data([reader.rawValue] + bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
            names.append(name)
        }
        return names
    }
}
