/// Paths of the tokenizer files a model folder has; nil where absent. Which ones a tokenizer
/// needs depends on its kind (tokenizer.json alone, or vocab.json + merges.txt, or vocab.txt).
public struct TokenizerFiles: Sendable, Equatable {
    public var tokenizerJSON: String?
    public var vocabJSON: String?
    public var merges: String?
    public var vocabTxt: String?
    public var tokenizerConfig: String?
    public var specialTokensMap: String?

    init(folder: String) {
        func existing(_ name: String) -> String? {
            let path = FileSystem.join(folder, name)
            return FileSystem.isFile(path) ? path : nil
        }
        tokenizerJSON = existing("tokenizer.json")
        vocabJSON = existing("vocab.json")
        merges = existing("merges.txt")
        vocabTxt = existing("vocab.txt")
        tokenizerConfig = existing("tokenizer_config.json")
        specialTokensMap = existing("special_tokens_map.json")
    }
}
