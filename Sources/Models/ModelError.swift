/// What can be wrong with a model or its input beyond the file formats (which throw `FormatError`)
/// and the tokenizer files (which throw `TokenizerError`). Each case says where to look.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The folder holds another architecture than the one asked for.
    case wrongArchitecture(folder: String, expected: String, found: String)
    case emptySequence(index: Int)
    /// A sequence of a batch is longer than the model's position table.
    case sequenceTooLong(index: Int, length: Int, limit: Int)
    /// Appending to the KV cache would run past the model's position table.
    case contextOverflow(tokens: Int, limit: Int)
    case tokenOutOfRange(sequence: Int, position: Int, id: Int, vocabularySize: Int)
    case missingHead(head: String, file: String)
    case unsupportedTokenizer(folder: String, kind: String)
    case unsupportedPooling(file: String, detail: String)
    /// A configuration the model code does not implement.
    case unsupported(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .wrongArchitecture(folder, expected, found):
            "\(folder) holds a \(found) model, not \(expected)"
        case let .emptySequence(index):
            "sequence \(index) has no tokens"
        case let .sequenceTooLong(index, length, limit):
            "sequence \(index) has \(length) tokens, more than the \(limit) positions the model has"
        case let .contextOverflow(tokens, limit):
            "the sequence would be \(tokens) tokens long, over the model's limit of \(limit) positions (n_positions)"
        case let .tokenOutOfRange(sequence, position, id, vocabularySize):
            "sequence \(sequence), position \(position): token id \(id) is outside the vocabulary of \(vocabularySize)"
        case let .missingHead(head, file):
            "\(file): the checkpoint has no \(head) head"
        case let .unsupportedTokenizer(folder, kind):
            "\(folder): the tokenizer is \(kind); BERT models need WordPiece"
        case let .unsupportedPooling(file, detail):
            "\(file): \(detail)"
        case let .unsupported(detail), let .invalidArgument(detail):
            detail
        }
    }
}
