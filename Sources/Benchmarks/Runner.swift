import Distributed
import FileIO
import Tensor
import ArgumentParser
import Foundation

/// Runs the workloads of docs/benchmarks.md as interleaved rounds: in each
/// round the project's process, then the peer's (eager, then compiled), each
/// timing its own warm-up and timed steps in a fresh process (so peak memory
/// is per workload). The table gives, per workload, the median over rounds of
/// the per-round ratio project / faster peer with its min–max.
@main
struct Benchmarks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the benchmark workloads side by side with their PyTorch/TensorFlow peers.",
        discussion: """
        Build in release mode: `swift run -c release Benchmarks B0 K`.
        Peers run through the Python named by PEER_PYTHON (a virtual environment with
        `pip install torch numpy threadpoolctl tensorflow-cpu`); see Benchmarks/peers/README.md.
        Where the CPU has AVX-512 and OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is set, every round also
        runs its processes with those variables removed, as a second column (what a user of this CPU
        gets); the runner's own environment is never changed.
        Workloads: \(workloads.map { "\($0.id) (\($0.name))" }.joined(separator: ", ")).
        """)

    @Argument(help: "Workload ids to run (all implemented ones when none is given).")
    var ids: [String] = []

    @Option(help: "Threads for the library, OpenBLAS and the peer.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Interleaved rounds per workload (at least 5 for a figure; fewer for a quick look).")
    var rounds: Int = 5

    @Option(help: "Untimed warm-up steps per round.")
    var warmup: Int = 2

    @Option(help: "Timed steps per round; a round reports their median.")
    var steps: Int = 10

    @Option(help: "Longest wait, in seconds, for a quiet machine before each process (0: do not wait).")
    var quietWait: Double = 120

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    @Option(help: .hidden)
    var child: String?

    /// B9's rank mode, started by `mpirun -np 2`: one model's data-parallel step.
    @Option(help: .hidden)
    var rankStep: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be at least 0, got \(warmup)") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
        guard quietWait >= 0 else { throw ValidationError("--quiet-wait must be at least 0, got \(quietWait)") }
        for id in ids where !workloads.contains(where: { $0.id == id }) {
            throw ValidationError("unknown workload \(id); known: \(workloads.map(\.id).joined(separator: ", "))")
        }
    }

    func run() throws {
        Timing.warmupSteps = warmup
        Timing.timedSteps = steps
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
            var result = w.run(threads)
            result.openblasCore = Machine.openblasCore()
            let data = try JSONEncoder().encode(result)
            print(String(decoding: data, as: UTF8.self))
            return
        }
        #if DEBUG
        writeToStandardError("warning: this is a debug build; benchmark with `swift run -c release Benchmarks`\n")
        #endif
        if rounds < 5 {
            writeToStandardError("note: \(rounds) round(s): a quick look, not a figure (a figure takes at least 5)\n")
        }
        MachineLoad.waitForQuiet(maxWait: quietWait)
        let machine = Machine.describe(threads: threads)
        let columns = EnvironmentColumn.columns(for: machine)
        let selected = ids.isEmpty ? workloads : workloads.filter { ids.contains($0.id) }
        let peerPython = PeerProcess.python()
        var results: [WorkloadResult] = []
        for w in selected {
            var perColumn = columns.map { _ in [Round]() }
            // Rounds make ratios trustworthy; a workload without a peer has none (and B10 takes minutes).
            let rounds = w.peer == nil ? 1 : rounds
            for r in 1...rounds {
                for (c, column) in columns.enumerated() {
                    writeToStandardError("\(w.id) \(w.name): round \(r)/\(rounds)\(columns.count > 1 ? ", \(column.title)" : "")\n")
                    perColumn[c].append(try runRound(w, column: column, python: peerPython))
                }
            }
            results.append(WorkloadResult(workload: w, columns: perColumn))
        }
        let settings = RunSettings(threads: threads, rounds: rounds, warmup: warmup, steps: steps)
        print(Report.render(results, machine: machine, columns: columns, settings: settings))
        if let json { try Report.writeJSON(results, machine: machine, columns: columns, settings: settings, to: json) }
    }

    /// One round of one workload in one environment: the project's process,
    /// then the peer's eager and compiled processes, each after the machine is quiet.
    private func runRound(_ w: Workload, column: EnvironmentColumn, python: String?) throws -> Round {
        let childArguments = ["--threads", String(threads), "--warmup", String(warmup), "--steps", String(steps)]
        MachineLoad.waitForQuiet(maxWait: quietWait)
        var project: ProjectResult!
        var foreign = try MachineLoad.foreignShare {
            project = try runChild(w.id, arguments: childArguments, environment: column.environment)
        }
        var eager: [String: Double]?, compiled: [String: Double]?
        if let peer = w.peer, let python {
            let peerArguments = peer.arguments + childArguments
            MachineLoad.waitForQuiet(maxWait: quietWait)
            foreign = max(foreign, MachineLoad.foreignShare {
                eager = PeerProcess.run(python: python, script: peer.script, arguments: peerArguments, environment: column.environment)
            })
            if peer.compiles {
                MachineLoad.waitForQuiet(maxWait: quietWait)
                foreign = max(foreign, MachineLoad.foreignShare {
                    compiled = PeerProcess.run(python: python, script: peer.script, arguments: peerArguments + ["--compile"],
                                               environment: column.environment)
                })
            }
        }
        if foreign > 0.1 {
            writeToStandardError(String(format: "warning: other processes used %.0f%% of the machine during %@; this round is noisy\n",
                                        foreign * 100, w.id))
        }
        return Round(project: project, eager: eager, compiled: compiled, foreignShare: foreign)
    }

    /// Runs one workload in a fresh process of this executable.
    private func runChild(_ id: String, arguments: [String], environment: [String: String]) throws -> ProjectResult {
        var executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        if !FileManager.default.isExecutableFile(atPath: executable) { executable = ChildProcess.thisExecutable }
        var env = environment
        env["TENSOR_NUM_THREADS"] = String(threads)
        env["OPENBLAS_NUM_THREADS"] = String(threads)
        // The child's standard error is the runner's: its notes and failure messages show as they come.
        let child = try ChildProcess(executable: executable, arguments: ["--child", id] + arguments, environment: env,
                                     standardError: .inherited).run()
        guard child.succeeded, let line = child.lastOutputLine else { throw RunnerError.childFailed(id, child.status) }
        return try JSONDecoder().decode(ProjectResult.self, from: Data(line.utf8))
    }
}

/// The environment a column's child processes run in.
struct EnvironmentColumn {
    /// A short name for the table heading.
    let title: String
    /// What the column is, for the header.
    let description: String
    let environment: [String: String]

    /// The runner's own environment; plus, where the CPU has AVX-512 and an
    /// OpenBLAS variable is set, the same without the OpenBLAS variables.
    static func columns(for machine: Machine) -> [EnvironmentColumn] {
        let env = ProcessInfo.processInfo.environment
        let set = machine.openblasVariables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let asSet = EnvironmentColumn(
            title: set.isEmpty ? "as run" : "as set",
            description: set.isEmpty ? "the runner's environment (no OpenBLAS variable set)"
                                     : "the runner's environment: " + set.joined(separator: " "),
            environment: env)
        guard machine.isas.contains("avx512"), !set.isEmpty else { return [asSet] }
        let without = EnvironmentColumn(
            title: "without OpenBLAS variables",
            description: "the same with " + machine.openblasVariables.keys.sorted().joined(separator: " and ")
                + " removed from the child processes (what a user of this CPU gets)",
            environment: env.filter { !Machine.openblasVariableNames.contains($0.key) })
        return [asSet, without]
    }
}

/// Runs a peer script through PEER_PYTHON.
enum PeerProcess {
    /// PEER_PYTHON, or nil (with a note on how to make one) when it is not set.
    static func python() -> String? {
        if let python = ProcessInfo.processInfo.environment["PEER_PYTHON"] { return python }
        writeToStandardError("""
            note: PEER_PYTHON is not set, so the peer columns are empty. Set it to a Python with torch and numpy:
              python3 -m venv .venv && .venv/bin/pip install torch numpy threadpoolctl tensorflow-cpu
              PEER_PYTHON=.venv/bin/python swift run -c release Benchmarks\n
            """)
        return nil
    }

    /// The peer's JSON figures; nil (with a note) when it cannot run.
    static func run(python: String, script: String, arguments: [String], environment: [String: String]) -> [String: Double]? {
        let path = "Benchmarks/peers/\(script)"
        guard FileManager.default.fileExists(atPath: path) else {
            writeToStandardError("note: peer script \(path) not found (run from the package root)\n")
            return nil
        }
        // The frameworks log their start-up on standard error; keep it for a failure only.
        let peer: ChildProcess.Result
        do {
            peer = try ChildProcess(executable: python, arguments: [path] + arguments, environment: environment).run()
        } catch {
            writeToStandardError("note: \(error)\n")   // "cannot start <python>: <reason>"
            return nil
        }
        guard peer.succeeded, let line = peer.lastOutputLine,
              let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            writeToStandardError("note: peer \(path) \(arguments.joined(separator: " ")) failed (exit \(peer.status))\n"
                                 + peer.errorLines(last: 10).map { "  \($0)\n" }.joined())
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
