/// What can be wrong with a model or its input beyond the file formats (which throw `FormatError`)
/// and the tokenizer files (which throw `TokenizerError`). Each case says where to look.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case notBERT(file: String, modelType: String)
    case emptySequence(index: Int)
    case sequenceTooLong(index: Int, length: Int, limit: Int)
    case tokenOutOfRange(sequence: Int, position: Int, id: Int, vocabularySize: Int)
    case missingHead(head: String, file: String)
    case unsupportedTokenizer(folder: String, kind: String)
    case unsupportedPooling(file: String, detail: String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .notBERT(file, modelType):
            "\(file): model_type is \(modelType), not bert"
        case let .emptySequence(index):
            "sequence \(index) has no tokens"
        case let .sequenceTooLong(index, length, limit):
            "sequence \(index) has \(length) tokens, more than the \(limit) positions the model has"
        case let .tokenOutOfRange(sequence, position, id, vocabularySize):
            "sequence \(sequence), position \(position): token id \(id) is outside the vocabulary of \(vocabularySize)"
        case let .missingHead(head, file):
            "\(file): the checkpoint has no \(head) head"
        case let .unsupportedTokenizer(folder, kind):
            "\(folder): the tokenizer is \(kind); BERT models need WordPiece"
        case let .unsupportedPooling(file, detail):
            "\(file): \(detail)"
        case let .invalidArgument(detail):
            detail
        }
    }
}
