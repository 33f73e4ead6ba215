import Formats

/// The tokenizer a GGUF file describes, of whichever kind `tokenizer.ggml.model` names, read
/// from metadata alone (no tensor is looked at).
public enum GGUFTokenizer {
    /// `tokenizer.ggml.model` values this library implements.
    public static let knownModels = ["gpt2 (byte-level BPE)", "llama (SentencePiece)"]

    /// Reads only the file's metadata, so it works before (or without) the weights being usable.
    public static func load(path: String) throws -> any LanguageModelTokenizer {
        let file = try GGUFMetadataFile(path: path)
        return try load(metadata: file.metadata, path: path)
    }

    public static func load(gguf: GGUFFile) throws(TokenizerError) -> any LanguageModelTokenizer {
        try load(metadata: gguf.metadata, path: gguf.path)
    }

    public static func load(metadata: [String: GGUFValue], path: String) throws(TokenizerError) -> any LanguageModelTokenizer {
        let file = try GGUFTokenizerMetadata(path: path, metadata: metadata)
        switch file.model {
        case "gpt2": return try BPETokenizer(file)
        case "llama": return try SentencePieceTokenizer(file)
        case let other:
            throw .unsupported(path: path, reason: "tokenizer.ggml.model is \"\(other)\"; known: \(knownModels.joined(separator: ", "))")
        }
    }
}

extension BPETokenizer: LanguageModelTokenizer {}
