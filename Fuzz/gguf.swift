import Formats
import Tokenizers

/// The GGUF reader and everything read from its metadata: tensor bytes dequantized, the Llama
/// config and its block-count check, the tokenizer with a few encodes and decodes.
func fuzz(_ bytes: UnsafeRawBufferPointer) {
    let path = Fuzz.write(bytes, name: "model.gguf")
    guard let file = try? GGUFFile(path: path) else { return }
    for key in file.metadataKeys.prefix(64) { _ = file.metadata[key].map { "\($0)" } }
    for tensor in file.tensors.prefix(64) { _ = try? file.floats(named: tensor.name) }
    if let config = try? LlamaConfig(gguf: file) { _ = try? config.checkBlockCount(in: file) }
    guard let tokenizer = try? BPETokenizer(gguf: file) else { return }
    for text in Fuzz.samples {
        let ids = tokenizer.encode(text)
        _ = tokenizer.decode(ids)
    }
    _ = tokenizer.decode([-1, 0, Int.max, tokenizer.vocabularySize])
}
