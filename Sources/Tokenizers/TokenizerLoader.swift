import FoundationEssentials

/// Finds and loads the tokenizer of a model folder, whatever files it ships:
/// `tokenizer.json` (BPE or WordPiece), else `vocab.json` + `merges.txt` (GPT-2), else
/// `vocab.txt` (+ `tokenizer_config.json`) (BERT).
public enum TokenizerLoader {
    public static func load(folder: String) throws(TokenizerError) -> any Tokenizer {
        func path(_ name: String) -> String { folder.hasSuffix("/") ? folder + name : folder + "/" + name }
        func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

        if exists("tokenizer.json") {
            let file = path("tokenizer.json")
            switch try TokenizerFileReader.decodeJSON(ModelType.self, from: file).model.type {
            case "BPE": return try BPETokenizer(tokenizerJSON: file)
            case "WordPiece": return try WordPieceTokenizer(tokenizerJSON: file)
            case let other: throw .unsupported(path: file, reason: "model type \(other ?? "(none)"); BPE and WordPiece are supported")
            }
        }
        if exists("vocab.json") { return try BPETokenizer(vocabJSON: path("vocab.json"), merges: path("merges.txt")) }
        if exists("vocab.txt") {
            return try WordPieceTokenizer(vocabTXT: path("vocab.txt"),
                                          config: exists("tokenizer_config.json") ? path("tokenizer_config.json") : nil)
        }
        throw .fileNotFound(path: path("tokenizer.json (or vocab.json + merges.txt, or vocab.txt)"))
    }

    /// Just enough of tokenizer.json to tell the model type.
    private struct ModelType: Decodable {
        struct Model: Decodable { let type: String? }
        let model: Model
    }
}
