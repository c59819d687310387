import FileIO
import Foundation
import NN
import Tensor
@testable import Training
import XCTest
import Zoo

/// A run directory has one writer at a time, is checked before work, and
/// holds nothing half-written after a killed run is resumed.
final class RunDirectoryTests: XCTestCase {
    var dir: String!
    override func setUp() { dir = NSTemporaryDirectory() + "run-directory-\(UUID().uuidString)" }
    override func tearDown() { try? FileManager.default.removeItem(atPath: dir) }

    func trainer(steps: Int = 10, callbacks: [any TrainingCallback]? = nil) -> Trainer {
        var model = LogisticModel.Config()
        model.inputSize = 16
        model.transform = .none
        var rng = RandomGenerator(seed: 3)
        var c = TrainingConfig()
        c.steps = steps
        c.validateEvery = 5
        c.progressInterval = 1e9
        return Trainer(model: LogisticModel(model, numClasses: 10, rng: &rng), config: c, directory: dir, callbacks: callbacks)
    }

    func source() -> InMemoryBatchSource {
        let data = toyData(count: 128, seed: 1)
        return InMemoryBatchSource(features: data.features, labels: data.labels, batchSize: 32, shuffle: true, repeats: true, seed: 5)
    }

    func quiet() -> ProgressReporter { ProgressReporter(totalSteps: 10, output: { _ in }) }

    func testASecondWriterIsRefusedNamingTheHolderAndTheLockIsGivenBack() throws {
        let held = try RunDirectoryLock(directory: dir)
        XCTAssertThrowsError(try trainer().run(training: source(), validation: nil, progress: quiet())) {
            XCTAssertEqual($0 as? RunDirectoryError, .locked(directory: self.dir, pid: getpid()))
            XCTAssertTrue("\($0)".contains("in use by another run (process \(getpid()))"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/last.safetensors"), "nothing written")
        XCTAssertThrowsError(try RunDirectory.clear(dir), "--restart waits for the other run too")
        held.release()
        try trainer().run(training: source(), validation: nil, progress: quiet())
        // The run gave the directory back when it ended.
        try RunDirectoryLock(directory: dir).release()
    }

    func testAFailedRunGivesTheDirectoryBack() throws {
        final class Fail: TrainingCallback {
            struct Stop: Error {}
            func stepDidEnd(_ trainer: Trainer, _ report: StepReport) throws { throw Stop() }
        }
        let failing = trainer(callbacks: Trainer.standardCallbacks(for: TrainingConfig()) + [Fail()])
        XCTAssertThrowsError(try failing.run(training: source(), validation: nil, progress: quiet()))
        try RunDirectoryLock(directory: dir).release()
        withExtendedLifetime(failing) {}
    }

    func testLeftoversOfAKilledRunAreRemovedAndNothingElse() throws {
        try createDirectories(dir)
        for name in [".last.safetensors.tmp-Ab12Cd", ".metrics.csv.tmp-x9Y8z7", "notes.txt", ".other.tmp-123456"] {
            _ = FileManager.default.createFile(atPath: dir + "/" + name, contents: Data("x".utf8))
        }
        try trainer().run(training: source(), validation: nil, progress: quiet())
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        XCTAssertEqual(names, [".lock", "notes.txt", ".other.tmp-123456", "last.safetensors",
                               "metrics.csv", "training-curves.svg", "training-curves.png"])
    }

    func testTheCheckpointIsWrittenAfterTheLogsItCommits() {
        let names = Trainer.standardCallbacks(for: TrainingConfig()).map { String(describing: type(of: $0)) }
        XCTAssertEqual(names, ["RunDirectoryClaim", "MetricsCSVWriter", "CurvePlotWriter", "CheckpointWriter"])
    }

    func testADirectoryThatCannotBeMadeIsNamedWithTheSystemsReason() throws {
        try createDirectories(dir)
        _ = FileManager.default.createFile(atPath: dir + "/file", contents: Data())
        XCTAssertThrowsError(try createDirectories(dir + "/file/run")) {
            XCTAssertEqual($0 as? FileIOError, FileIOError(path: dir + "/file", operation: "create directory", code: ENOTDIR))
        }
        XCTAssertThrowsError(try RunDirectoryLock(directory: dir + "/file/run")) {
            XCTAssertTrue("\($0)".contains("Not a directory"), "\($0)")
        }
    }
}
