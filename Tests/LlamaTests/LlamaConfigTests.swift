import CPUBackend
import Foundation
import Formats
import Models
import Testing

/// Llama metadata and weights that do not add up are errors naming the file and the key or
/// tensor, never a crash.
@Suite struct LlamaConfigTests {
    static let valid: [(String, TestValue)] = [
        ("general.architecture", .string("llama")),
        ("llama.block_count", .uint32(2)), ("llama.context_length", .uint32(64)),
        ("llama.embedding_length", .uint32(64)), ("llama.feed_forward_length", .uint32(96)),
        ("llama.attention.head_count", .uint32(4)), ("llama.attention.head_count_kv", .uint32(2)),
        ("llama.vocab_size", .uint32(50)),
    ]

    func load(_ entries: [(String, TestValue)]) throws -> (GGUFFile, String) {
        let path = try writeGGUF(entries, name: "llama-config")
        return (try GGUFFile(path: path), path)
    }

    @Test func readsTheConfigurationWithDefaults() throws {
        let (file, path) = try load(Self.valid)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let config = try LlamaConfig(gguf: file)
        #expect(config == LlamaConfig(layers: 2, contextLength: 64, embeddingLength: 64, feedForwardLength: 96, heads: 4,
                                      keyValueHeads: 2, ropeBase: 10_000, rmsEpsilon: 1e-5, vocabularySize: 50))
        #expect(config.headDimension == 16)
    }

    @Test(arguments: [
        ("general.architecture", TestValue.string("gpt2"), "gpt2"),
        ("llama.block_count", .string("two"), "llama.block_count"),
        ("llama.attention.head_count_kv", .uint32(3), "llama.attention.head_count_kv"),
        ("llama.attention.head_count", .uint32(5), "llama.attention.head_count"),
        ("llama.rope.dimension_count", .uint32(8), "llama.rope.dimension_count"),
        ("llama.context_length", .uint32(0), "llama.context_length"),
    ])
    func badMetadataIsNamed(key: String, value: TestValue, named: String) throws {
        let entries = Self.valid.filter { $0.0 != key } + [(key, value)]
        let (file, path) = try load(entries)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try LlamaConfig(gguf: file)
            Issue.record("\(key) = \(value) was accepted")
        } catch {
            #expect("\(error)".contains(named) && "\(error)".contains(path), "\(error)")
        }
    }

    @Test func missingWeightsAreNamed() throws {
        let (file, path) = try load(Self.valid)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: FormatError.shapeMismatch(file: path, tensor: "token_embd.weight", expected: [50, 64], found: nil)) {
            try LlamaModel(gguf: file, backend: CPUBackend())
        }
    }
}
