import Tokenizers

/// BERT's vocab.txt.
func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let path = Fuzz.write(bytes, name: "vocab.txt")
    guard let tokenizer = try? WordPieceTokenizer(vocabTXT: path) else { return }
    for text in Fuzz.samples { _ = tokenizer.decode(tokenizer.encode(text)) }
    _ = tokenizer.encodeBatch(Fuzz.samples, maxLength: 8)
    _ = tokenizer.decode([-1, 0, 1, Int.max, tokenizer.vocabularySize])
}
