import FileIO
import YT8MData
import Foundation
import Zoo

/// The B8 input: 1,000 frame-level SequenceExamples (3,862 classes, 1–300 frames, uniform, like
/// the peer's make_b8_file.py) written by the synthetic generator into the data cache
/// (`SyntheticData.cacheDirectory()/bench`, kept out of git), made on first use.
let tfrecordReadConfig = SyntheticDataConfig(videos: 1000, validationFraction: 0, numClasses: 3862, minFrames: 1,
                                             maxFrames: 300, shards: 1, videoLevel: false, frameLevel: true, seed: 8)
let tfrecordReadDirectory = SyntheticData.cacheDirectory() + "/bench/b8-frame-level-v\(SyntheticData.version)"
let tfrecordReadFile = tfrecordReadDirectory + "/frame/train0000.tfrecord"

/// B8: read and decode the frame-level file into batches as the starter reader does (both CRCs
/// checked, SequenceExample parsed, frames dequantized, truncated / zero-padded to 300 → features
/// [32, 300, 1152], multi-hot labels [32, 3862], num_frames, ids) with `YT8MDataset` on `threads`
/// decoding threads. The warm-up passes, then the median of the timed passes over the whole file; the peer
/// is tf.data (tf_peer.py) on the same file with the same parsing, batch 32.
let tfrecordReadWorkload = Workload(id: "B8", name: "tfrecord-read",
                                    peer: Peer(script: "tf_peer.py", arguments: ["B8", "--file", tfrecordReadFile], compiles: false),
                                    goal: 0.5) { threads in
    do {
        _ = try SyntheticData.cachedDataset(tfrecordReadConfig, name: (tfrecordReadDirectory as NSString).lastPathComponent,
                                            in: (tfrecordReadDirectory as NSString).deletingLastPathComponent, threads: threads)
    } catch {
        writeToStandardError("B8: cannot make the input file: \(error)\n")
        exit(1)
    }
    let fileBytes = Double((try? FileManager.default.attributesOfItem(atPath: tfrecordReadFile)[.size] as? Int) ?? 0)
    func onePass(decodeThreads: Int) -> Int {
        let options = YT8MDatasetOptions(level: .frame, batchSize: 32, maxFrames: 300, frameInput: .frames(.all),
                                         prefetchBatches: 2, decodeThreads: decodeThreads, epochs: 1)
        do {
            let dataset = try YT8MDataset(files: [tfrecordReadFile], options: options)
            var records = 0
            while let batch = try dataset.next() { records += batch.count }
            return records
        } catch {
            writeToStandardError("B8: \(error)\n")
            exit(1)
        }
    }
    let records = onePass(decodeThreads: threads)
    // The pass that counted the records was the first warm-up pass, as in the peer.
    let ms = Timing.medianMilliseconds(warmup: max(0, Timing.warmupSteps - 1)) { _ = onePass(decodeThreads: threads) }
    let singleMs = threads == 1 ? ms : Timing.medianMilliseconds(warmup: 0, runs: 3) { _ = onePass(decodeThreads: 1) }
    return ProjectResult(
        id: "B8", name: "tfrecord-read", projectMs: ms, projectPeakMB: Timing.peakResidentMB(), unit: "ms/pass",
        extra: ["records_per_s": Double(records) / (ms / 1000),
                "mb_per_s": fileBytes / (ms / 1000) / 1e6,
                "records": Double(records),
                "file_bytes": fileBytes,
                "single_thread_records_per_s": Double(records) / (singleMs / 1000)])
}
