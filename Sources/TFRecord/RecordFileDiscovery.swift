import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns command-line style path arguments into a list of TFRecord files: a file stands for itself;
/// a directory stands for its `*.tfrecord` files (not recursive, sorted by name); an argument with
/// `*`, `?` or `[` is a glob pattern (glob(3)), each match treated as above. Order follows the
/// arguments; duplicates are dropped.
public enum RecordFileDiscovery {
    /// A path argument that names nothing usable.
    public struct NotFound: Error, CustomStringConvertible, Equatable {
        /// The argument as given.
        public var argument: String
        /// Why it matched no file.
        public var reason: String

        /// Creates an error for `argument`.
        public init(argument: String, reason: String) {
            self.argument = argument
            self.reason = reason
        }

        /// The problem in words, naming what was wrong and where.
        public var description: String { "\(argument): \(reason)" }
    }

    /// The files named by `arguments`. Throws `NotFound` for an argument that yields no file.
    public static func files(for arguments: [String], fileExtension: String = "tfrecord") throws -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        for argument in arguments {
            let candidates: [String]
            if argument.contains(where: { "*?[".contains($0) }) {
                candidates = glob(argument)
                guard !candidates.isEmpty else {
                    throw NotFound(argument: argument, reason: "pattern matches no file")
                }
            } else {
                candidates = [argument]
            }
            var found = 0
            for candidate in candidates {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) else {
                    throw NotFound(argument: candidate, reason: "no such file or directory")
                }
                let files: [String]
                if isDirectory.boolValue {
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: candidate)) ?? []
                    files = names.filter { $0.hasSuffix("." + fileExtension) && !$0.hasPrefix(".") }.sorted()
                        .map { candidate.hasSuffix("/") ? candidate + $0 : candidate + "/" + $0 }
                } else {
                    files = [candidate]
                }
                found += files.count
                for file in files where seen.insert(file).inserted {
                    result.append(file)
                }
            }
            if found == 0 && !candidates.isEmpty {
                throw NotFound(argument: argument, reason: "directory holds no *.\(fileExtension) file")
            }
        }
        return result
    }

    private static func glob(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        #if canImport(Glibc)
        let status = Glibc.glob(pattern, 0, nil, &matches)
        #else
        let status = Darwin.glob(pattern, 0, nil, &matches)
        #endif
        guard status == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { i in
            matches.gl_pathv[i].map { String(cString: $0) }
        }
    }
}
