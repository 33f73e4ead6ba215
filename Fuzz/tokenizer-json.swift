import Tokenizers

/// tokenizer.json as BPE and as WordPiece; whichever loads encodes and decodes the samples.
func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let path = Fuzz.write(bytes, name: "tokenizer.json")
    var tokenizers: [any Tokenizer] = []
    if let bpe = try? BPETokenizer(tokenizerJSON: path) { tokenizers.append(bpe) }
    if let wordPiece = try? WordPieceTokenizer(tokenizerJSON: path) { tokenizers.append(wordPiece) }
    for tokenizer in tokenizers {
        for text in Fuzz.samples { _ = tokenizer.decode(tokenizer.encode(text)) }
        _ = tokenizer.decode([-1, 0, 1, Int.max, tokenizer.vocabularySize])
    }
}
