import Formats

/// Why a model could not be loaded or run. Messages name the file, tensor or limit involved.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// The folder holds another architecture than the one asked for.
    case wrongArchitecture(folder: String, expected: String, found: String)
    /// The sequence would be longer than the model's position table.
    case contextOverflow(tokens: Int, limit: Int)
    case emptyInput(String)
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .wrongArchitecture(folder, expected, found):
            "\(folder) holds a \(found) model, not \(expected)"
        case let .contextOverflow(tokens, limit):
            "the sequence would be \(tokens) tokens long, over the model's limit of \(limit) positions (n_positions)"
        case let .emptyInput(what): "\(what) is empty"
        case let .tokenOutOfRange(id, vocabularySize):
            "token id \(id) is outside the vocabulary (0..<\(vocabularySize))"
        case let .unsupported(detail): detail
        }
    }
}
