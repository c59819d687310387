import TFRecord
import Tensor
import YT8MData
import ArgumentParser
import Foundation
import Zoo

/// Where `train`, `eval` and `predict` read data: TFRecord paths, or the
/// embedded synthetic dataset (made on first use) when none are given.
struct DataSelection {
    let trainFiles: [String]
    let validationFiles: [String]
    let format: YT8MRecordFormat
    let isSynthetic: Bool

    /// The files for a model level; `synthetic` picks the embedded default.
    static func resolve(train: [String], validation: [String], level recordLevel: YT8MDatasetLevel, format: YT8MRecordFormat) throws -> DataSelection {
        if train.isEmpty {
            var shown = -1
            let directory = try SyntheticData.defaultDataset(progress: { done, total in
                let percent = 100 * done / max(total, 1)
                guard percent != shown else { return }
                shown = percent
                FileHandle.standardError.write(Data("\rmaking the embedded synthetic dataset (first use): \(percent)% of \(total) videos".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            })
            let info = try SyntheticData.info(of: directory)
            let validate = validation.isEmpty ? info.paths(split: "validate", level: recordLevel, in: directory)
                : try RecordFileDiscovery.files(for: validation)
            return DataSelection(trainFiles: info.paths(split: "train", level: recordLevel, in: directory),
                                 validationFiles: validate, format: info.format, isSynthetic: true)
        }
        return DataSelection(trainFiles: try RecordFileDiscovery.files(for: train),
                             validationFiles: validation.isEmpty ? [] : try RecordFileDiscovery.files(for: validation),
                             format: format, isSynthetic: false)
    }
}

/// Writes a line to standard error.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
