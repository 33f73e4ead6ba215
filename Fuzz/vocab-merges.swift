import Tokenizers

/// vocab.json and merges.txt, given as one input split at its first NUL byte.
func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let vocab = Fuzz.write(UnsafeRawBufferPointer(rebasing: bytes[..<split]), name: "vocab.json")
    let merges = Fuzz.write(UnsafeRawBufferPointer(rebasing: bytes[min(split + 1, bytes.count)...]), name: "merges.txt")
    guard let tokenizer = try? BPETokenizer(vocabJSON: vocab, merges: merges) else { return }
    for text in Fuzz.samples { _ = tokenizer.decode(tokenizer.encode(text)) }
    _ = tokenizer.decode([-1, 0, 1, Int.max, tokenizer.vocabularySize])
}
