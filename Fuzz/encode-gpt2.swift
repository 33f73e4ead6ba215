import Tokenizers

/// GPT-2's byte-level BPE (the real vocab.json + merges.txt) on arbitrary bytes. Byte-level BPE
/// loses nothing: decoding must give back the text exactly (invalid UTF-8 replaced first).
let tokenizer: BPETokenizer = {
    do {
        return try BPETokenizer(vocabJSON: Fuzz.model("gpt2/vocab.json"), merges: Fuzz.model("gpt2/merges.txt"))
    } catch {
        fatalError("\(error)")
    }
}()

func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    let ids = tokenizer.encode(bytes: Array(bytes))
    let decoded = tokenizer.decode(ids)
    precondition(decoded == text, "decode(encode(x)) != x for \(Array(bytes))")
}
