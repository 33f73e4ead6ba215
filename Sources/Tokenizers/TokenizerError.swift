/// A tokenizer file that could not be used. Every case names the file, so the message alone
/// tells the user what to fix.
public enum TokenizerError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Nothing exists at the path.
    case fileNotFound(path: String)
    /// The file exists but could not be read.
    case unreadableFile(path: String, reason: String)
    /// The file was read but its content is not what the format requires.
    case invalidFile(path: String, reason: String)
    /// The file is well formed but describes a tokenizer this library does not implement.
    case unsupported(path: String, reason: String)

    public var path: String {
        switch self {
        case .fileNotFound(let path), .unreadableFile(let path, _),
             .invalidFile(let path, _), .unsupported(let path, _):
            return path
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path): return "tokenizer file not found: \(path)"
        case .unreadableFile(let path, let reason): return "cannot read tokenizer file \(path): \(reason)"
        case .invalidFile(let path, let reason): return "invalid tokenizer file \(path): \(reason)"
        case .unsupported(let path, let reason): return "unsupported tokenizer in \(path): \(reason)"
        }
    }
}
