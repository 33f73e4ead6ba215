import Tokenizers

/// all-MiniLM-L6-v2's WordPiece (real vocab.txt and tokenizer_config.json) on arbitrary bytes.
let tokenizer: WordPieceTokenizer = {
    do {
        return try WordPieceTokenizer(vocabTXT: Fuzz.model("all-MiniLM-L6-v2/vocab.txt"),
                                      config: Fuzz.model("all-MiniLM-L6-v2/tokenizer_config.json"))
    } catch {
        fatalError("\(error)")
    }
}()

func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    let ids = tokenizer.encode(text)
    _ = tokenizer.decode(ids)
    _ = tokenizer.encode(text, maxLength: 16)
}
