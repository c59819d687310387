import Distributed
import FileIO
import Tensor
import ArgumentParser
import Foundation

/// Runs the workloads of docs/benchmarks.md, each project workload and its peer
/// in a process of its own (so peak memory is per workload), and prints
/// one table with the ratio project / peer.
@main
struct Benchmarks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the benchmark workloads side by side with their PyTorch/TensorFlow peers.",
        discussion: """
        Build in release mode: `swift run -c release Benchmarks B0 K`.
        Peers run through the Python named by PEER_PYTHON (a virtual environment with
        `pip install torch numpy tensorflow-cpu`); see Benchmarks/peers/README.md.
        Workloads: \(workloads.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")).
        """)

    @Argument(help: "Workload ids to run (all implemented ones when none is given).")
    var ids: [String] = []

    @Option(help: "Threads for the library, OpenBLAS and the peer.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Also write the results as a JSON list to this file.")
    var json: String?

    @Option(help: .hidden)
    var child: String?

    /// B9's rank mode, started by `mpirun -np 2`: one model's data-parallel step.
    @Option(help: .hidden)
    var rankStep: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        for id in ids where !workloads.contains(where: { $0.id == id }) {
            throw ValidationError("unknown workload \(id); known: \(workloads.map(\.id).joined(separator: ", "))")
        }
    }

    func run() throws {
        if let rankStep {
            let world = try MPICommunicator.world()
            let model = String(rankStep.prefix { $0 != "-" })
            let figures = DataParallel.runOrAbort(world) {
                dataParallelStep(model, communicator: world, overlap: !rankStep.hasSuffix("-sequential"))
            }
            if world.isRoot { print(String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)) }
            return
        }
        if let child {
            // Child mode: run one workload in this process and print its JSON.
            guard let w = workloads.first(where: { $0.id == child }) else { throw ExitCode.failure }
            setenv("TENSOR_NUM_THREADS", String(threads), 1)
            let result = w.run(threads)
            let data = try JSONEncoder().encode(result)
            print(String(decoding: data, as: UTF8.self))
            return
        }
        #if DEBUG
        writeToStandardError("warning: this is a debug build; benchmark with `swift run -c release Benchmarks`\n")
        #endif
        let selected = ids.isEmpty ? workloads : workloads.filter { ids.contains($0.id) }
        var table: [TableRow] = []
        for w in selected {
            writeToStandardError("running \(w.id) \(w.name)…\n")
            MachineLoad.waitForQuiet()
            var project: ProjectResult!
            let projectForeign = try MachineLoad.foreignShare { project = try runChild(w.id) }
            var peer: [String: Double]? = nil
            var peerForeign = 0.0
            if let spec = w.peer {
                MachineLoad.waitForQuiet()
                peerForeign = MachineLoad.foreignShare { peer = runPeer(script: spec.script, arguments: spec.arguments) }
            }
            let worst = max(projectForeign, peer == nil ? 0 : peerForeign)
            if worst > 0.1 {
                writeToStandardError(String(format: "warning: other processes used %.0f%% of the machine during %@; its figures are noisy\n", worst * 100, w.id))
            }
            table.append(TableRow(workload: w, project: project, peer: peer, foreignShare: worst))
        }
        print(Report.render(table, threads: threads))
        if let json { try Report.writeJSON(table, to: json) }
    }

    /// Runs one workload in a fresh process of this executable.
    private func runChild(_ id: String) throws -> ProjectResult {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
        if !FileManager.default.isExecutableFile(atPath: p.executableURL!.path) {
            p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        }
        p.arguments = ["--child", id, "--threads", String(threads)]
        var env = ProcessInfo.processInfo.environment
        env["TENSOR_NUM_THREADS"] = String(threads)
        env["OPENBLAS_NUM_THREADS"] = String(threads)
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last else {
            throw RunnerError.childFailed(id, p.terminationStatus)
        }
        return try JSONDecoder().decode(ProjectResult.self, from: Data(line.utf8))
    }

    /// Runs a peer script through PEER_PYTHON; nil (with a note) when unavailable.
    private func runPeer(script: String, arguments: [String]) -> [String: Double]? {
        guard let python = ProcessInfo.processInfo.environment["PEER_PYTHON"] else {
            writeToStandardError("""
                note: PEER_PYTHON is not set, so the peer column is empty. Set it to a Python with torch and numpy:
                  python3 -m venv .venv && .venv/bin/pip install torch numpy tensorflow-cpu
                  PEER_PYTHON=.venv/bin/python swift run -c release Benchmarks\n
                """)
            return nil
        }
        let path = "Benchmarks/peers/\(script)"
        guard FileManager.default.fileExists(atPath: path) else {
            writeToStandardError("note: peer script \(path) not found (run from the package root)\n")
            return nil
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [path] + arguments + ["--threads", String(threads)]
        let out = Pipe()
        p.standardOutput = out
        do { try p.run() } catch {
            writeToStandardError("note: could not start \(python): \(error)\n")
            return nil
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            writeToStandardError("note: peer \(path) failed (exit \(p.terminationStatus))\n")
            return nil
        }
        return obj.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}

enum RunnerError: Error, CustomStringConvertible {
    case childFailed(String, Int32)
    var description: String {
        switch self {
        case .childFailed(let id, let status): return "workload \(id) failed (exit status \(status))"
        }
    }
}
