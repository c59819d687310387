import ArgumentParser
import YT8MData

/// `--vocabulary FILE`: the release's `vocabulary.csv`, so output names
/// classes ("Guitar") beside their indices.
struct VocabularyOption: ParsableArguments {
    @Option(help: "The release's vocabulary.csv: class names in the output.")
    var vocabulary: String?

    /// The vocabulary, when given; read before any data so a bad file stops early.
    func load(numClasses: Int) throws -> YT8MVocabulary? {
        try vocabulary.map { try YT8MVocabulary.read(path: $0, numClasses: numClasses) }
    }
}

extension YT8MVocabulary? {
    /// `3` without a vocabulary, `3 Guitar` with one.
    func label(_ index: Int) -> String {
        switch self {
        case .none: return "\(index)"
        case .some(let vocabulary): return "\(index) \(vocabulary.name(of: index))"
        }
    }
}
