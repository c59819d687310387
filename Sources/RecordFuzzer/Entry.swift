import FileIO
import Foundation

#if FUZZING
/// libFuzzer's entry point (built with `-sanitize=fuzzer -DFUZZING`; see
/// scripts/fuzz.sh), called once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    FuzzInput.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver (its command line: corpus directories, -runs=N, …).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

/// The package manager links an executable's entry point under this name
/// (it renames `main`), so the fuzzer's driver is started from here.
@_cdecl("RecordFuzzer_main")
func recordFuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { fuzzOneInput($0, $1) }
}
#else
/// Without libFuzzer: replays inputs (files, or every file of a directory),
/// so the seed corpus and any crash a fuzzer found run in an ordinary build;
/// `--write-seeds DIR` writes the seed corpus.
@main
struct RecordFuzzerReplay {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--write-seeds", arguments.count == 2 {
            let names = try FuzzSeeds.write(to: arguments[1])
            print("record-fuzzer: wrote \(names.count) seeds to \(arguments[1])")
            return
        }
        guard !arguments.isEmpty, !arguments.contains(where: { $0.hasPrefix("-") }) else {
            writeToStandardError("usage: RecordFuzzer CORPUS_DIR_OR_FILE… | --write-seeds DIR\n")
            exit(64)
        }
        var count = 0
        while let path = arguments.popLast() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                writeToStandardError("record-fuzzer: \(path): no such file\n")
                exit(66)
            }
            if isDirectory.boolValue {
                arguments += try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                continue
            }
            FuzzInput.run([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
            count += 1
        }
        try? FileManager.default.removeItem(atPath: FuzzInput.scratchPath)
        print("record-fuzzer: \(count) inputs replayed, every reader returned or threw")
    }
}
#endif
