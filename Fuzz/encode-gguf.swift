import Formats
import Tokenizers

/// SmolLM2's GGUF tokenizer (the real file's metadata) on arbitrary bytes, with and without
/// special-token parsing. No round-trip check: SmolLM2's vocabulary lacks tokens for some
/// control bytes (0x14, say), which llama.cpp and Hugging Face drop, as we do.
let tokenizer: BPETokenizer = {
    do {
        return try BPETokenizer(gguf: GGUFFile(path: Fuzz.model("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")))
    } catch {
        fatalError("\(error)")
    }
}()

func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = tokenizer.decode(tokenizer.encode(text, addSpecial: true, parseSpecial: true))
    _ = tokenizer.decode(tokenizer.encode(text, addSpecial: false, parseSpecial: false))
}
