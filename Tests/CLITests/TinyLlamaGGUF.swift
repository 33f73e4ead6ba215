import Foundation

/// A tiny but complete Llama-family GGUF, written for CLI tests that need a model file with
/// one thing wrong (or nothing): GPT-2's byte-level alphabet as the vocabulary (three control
/// tokens, then one token per byte, no merges), a ChatML template, f32 weights from a fixed
/// formula. It loads and generates in milliseconds; its text is nonsense.
struct TinyLlamaGGUF {
    /// `llama.block_count` as written.
    var blockCount = 2
    /// How many layers' `blk.N.*` tensors are written.
    var layers = 2
    var contextLength = 64
    var embedding = 16
    var heads = 2
    var feedForward = 32
    var architecture = "llama"

    static let controlTokens = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    var vocabularySize: Int { Self.controlTokens.count + 256 }

    /// Writes the file to a fresh temporary path.
    func write() throws -> String {
        var out = Writer()
        out.bytes += Array("GGUF".utf8)
        out.u32(3)
        let tensors = tensorList()
        out.u64(UInt64(tensors.count))
        let tokens = Self.controlTokens + Self.byteAlphabet
        let metadata: [(String, Value)] = [
            ("general.architecture", .string(architecture)),
            ("llama.block_count", .u32(UInt32(blockCount))),
            ("llama.context_length", .u32(UInt32(contextLength))),
            ("llama.embedding_length", .u32(UInt32(embedding))),
            ("llama.feed_forward_length", .u32(UInt32(feedForward))),
            ("llama.attention.head_count", .u32(UInt32(heads))),
            ("llama.attention.head_count_kv", .u32(UInt32(heads))),
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("gpt-2")),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.token_type", .i32s(tokens.indices.map { $0 < Self.controlTokens.count ? 3 : 1 })),
            ("tokenizer.ggml.merges", .strings([])),
            ("tokenizer.ggml.bos_token_id", .u32(0)),
            ("tokenizer.ggml.eos_token_id", .u32(2)),
            ("tokenizer.chat_template", .string("{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}")),
        ]
        out.u64(UInt64(metadata.count))
        for (key, value) in metadata {
            out.string(key)
            value.write(to: &out)
        }
        var offset = 0
        for (name, dims, _) in tensors {
            out.string(name)
            out.u32(UInt32(dims.count))
            dims.forEach { out.u64(UInt64($0)) }
            out.u32(0)  // f32
            out.u64(UInt64(offset))
            offset += (dims.reduce(1, *) * 4 + 31) / 32 * 32
        }
        out.align()
        for (_, dims, values) in tensors {
            precondition(values.count == dims.reduce(1, *))
            for value in values { out.u32(value.bitPattern) }
            out.align()
        }
        let path = FileManager.default.temporaryDirectory.appending(path: "vulkanlm-tiny-\(UUID().uuidString).gguf").path
        try Data(out.bytes).write(to: URL(filePath: path))
        return path
    }

    /// (name, ggml dims with ne0 first, values).
    private func tensorList() -> [(String, [Int], [Float])] {
        let e = embedding, f = feedForward, v = vocabularySize
        var seed = 0
        func matrix(_ ne0: Int, _ ne1: Int) -> [Float] {
            seed += 1
            let s = seed
            return (0..<(ne0 * ne1)).map { Float(sin(Double($0 * 7 + s * 13))) * 0.5 }
        }
        func ones(_ n: Int) -> [Float] { [Float](repeating: 1, count: n) }
        // Control tokens get zero embeddings (so zero logits through the tied head): greedy
        // decoding then never picks end-of-turn, and a reply runs until it is stopped.
        var table = matrix(e, v)
        for index in 0..<(Self.controlTokens.count * e) { table[index] = 0 }
        var tensors: [(String, [Int], [Float])] = [("token_embd.weight", [e, v], table), ("output_norm.weight", [e], ones(e))]
        for layer in 0..<layers {
            let b = "blk.\(layer)."
            tensors += [
                (b + "attn_norm.weight", [e], ones(e)), (b + "attn_q.weight", [e, e], matrix(e, e)),
                (b + "attn_k.weight", [e, e], matrix(e, e)), (b + "attn_v.weight", [e, e], matrix(e, e)),
                (b + "attn_output.weight", [e, e], matrix(e, e)), (b + "ffn_norm.weight", [e], ones(e)),
                (b + "ffn_gate.weight", [e, f], matrix(e, f)), (b + "ffn_up.weight", [e, f], matrix(e, f)),
                (b + "ffn_down.weight", [f, e], matrix(f, e)),
            ]
        }
        return tensors
    }

    /// GPT-2's byte-level alphabet: the printable character standing for each byte.
    static let byteAlphabet: [String] = {
        var kept = Array(33...126) + Array(161...172) + Array(174...255)
        var scalars = kept
        var extra = 0
        for byte in 0..<256 where !kept.contains(byte) {
            kept.append(byte)
            scalars.append(256 + extra)
            extra += 1
        }
        var alphabet = [String](repeating: "", count: 256)
        for (byte, scalar) in zip(kept, scalars) { alphabet[byte] = String(Character(Unicode.Scalar(scalar)!)) }
        return alphabet
    }()

    private enum Value {
        case string(String), strings([String]), u32(UInt32), i32s([Int32])

        func write(to out: inout Writer) {
            switch self {
            case .string(let text): out.u32(8); out.string(text)
            case .strings(let list): out.u32(9); out.u32(8); out.u64(UInt64(list.count)); list.forEach { out.string($0) }
            case .u32(let value): out.u32(4); out.u32(value)
            case .i32s(let list): out.u32(9); out.u32(5); out.u64(UInt64(list.count)); list.forEach { out.u32(UInt32(bitPattern: $0)) }
            }
        }
    }

    private struct Writer {
        var bytes: [UInt8] = []
        mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        mutating func string(_ text: String) { u64(UInt64(text.utf8.count)); bytes += text.utf8 }
        mutating func align() { while bytes.count % 32 != 0 { bytes.append(0) } }
    }
}
