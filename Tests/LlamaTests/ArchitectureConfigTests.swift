import CPUBackend
import Foundation
import Formats
import Models
import Testing
import TestSupport

/// Metadata and weights of the registered architectures that do not add up are one-line errors
/// naming the file and the key or tensor, never a crash.
@Suite struct ArchitectureConfigTests {
    static func entries(_ architecture: String, _ extra: [(String, TestValue)] = []) -> [(String, TestValue)] {
        let a = architecture
        let base: [(String, TestValue)] = [
            ("general.architecture", .string(a)),
            (a + ".block_count", .uint32(2)), (a + ".context_length", .uint32(64)),
            (a + ".embedding_length", .uint32(64)), (a + ".feed_forward_length", .uint32(96)),
            (a + ".attention.head_count", .uint32(4)), (a + ".attention.head_count_kv", .uint32(2)),
            (a + ".vocab_size", .uint32(50)),
        ]
        return base.filter { entry in !extra.contains { $0.0 == entry.0 } } + extra
    }

    func config(_ entries: [(String, TestValue)]) throws -> (Result<LlamaConfig, any Error>, String) {
        let path = try writeGGUF(entries, name: "architecture-config")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return (Result { try LlamaConfig(gguf: GGUFFile(path: path)) }, path)
    }

    @Test(arguments: ["llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"])
    func everyRegisteredArchitectureReadsItsConfig(architecture: String) throws {
        let (result, _) = try config(Self.entries(architecture, [(architecture + ".attention.sliding_window", .uint32(16))]))
        let config = try result.get()
        #expect(config.architecture == architecture)
        #expect(config.ropePairing == (architecture == "llama" ? .adjacent : .halves))
        #expect(config.queryKeyNorm == ["qwen3", "gemma3"].contains(architecture))
        #expect(config.postNorms == architecture.hasPrefix("gemma"))
        #expect(config.feedForward == (architecture.hasPrefix("gemma") ? .geGLU : .swiGLU))
        #expect(config.slidingWindow == (architecture.hasPrefix("gemma") ? 16 : nil))
        if architecture == "gemma2" {
            // llama.cpp's defaults: soft-caps 50 and 30, every other layer sliding.
            #expect(config.attentionSoftcap == 50 && config.finalLogitSoftcap == 30)
            #expect(config.slidingLayers == [true, false])
        }
        if architecture == "gemma3" { #expect(config.slidingLayers == [true, true] && config.slidingRopeBase == 10_000) }
    }

    @Test func unknownArchitectureListsTheKnownOnes() throws {
        let (result, path) = try config(Self.entries("mamba"))
        let message: String
        if case .failure(let error) = result { message = "\(error)" } else { message = "accepted" }
        #expect(throws: (any Error).self) { try result.get() }
        #expect(message.contains(path) && message.contains("general.architecture") && message.contains("mamba"), "\(message)")
        #expect(DecoderArchitectures.names.allSatisfy { message.contains($0) }, "\(message)")
        #expect(!message.contains("\n"))
    }

    @Test(arguments: [
        ("qwen2", "qwen2.attention.head_count_kv", TestValue.uint32(3)),         // 3 K/V heads for 4 query heads
        ("qwen3", "qwen3.attention.head_count", .uint32(5)),                     // 64 wide cannot split into 5
        ("gemma2", "gemma2.attention.sliding_window", .uint32(65)),              // window > context 64
        ("gemma3", "gemma3.attention.sliding_window", .uint32(1000)),
        ("phi3", "phi3.embedding_length", .string("wide")),
        ("llama", "llama.rope.scaling.type", .string("yarn")),                   // not implemented: said so
        ("gemma2", "gemma2.attention.sliding_window_pattern", .string("six")),
    ])
    func badMetadataIsNamed(architecture: String, key: String, value: TestValue) throws {
        let (result, path) = try config(Self.entries(architecture, [(key, value)]))
        switch result {
        case .success: Issue.record("\(key) = \(value) was accepted")
        case .failure(let error):
            #expect("\(error)".contains(key) && "\(error)".contains(path) && !"\(error)".contains("\n"), "\(error)")
        }
    }

    @Test(arguments: ["qwen3.block_count", "gemma2.embedding_length", "phi3.attention.head_count"])
    func missingKeyIsNamed(key: String) throws {
        let architecture = String(key.prefix { $0 != "." })
        let (result, path) = try config(Self.entries(architecture).filter { $0.0 != key })
        switch result {
        case .success: Issue.record("missing \(key) was accepted")
        case .failure(let error): #expect("\(error)".contains(key) && "\(error)".contains(path), "\(error)")
        }
    }

    /// A Qwen 3 file with a valid config and no tensors: the first one read is named.
    @Test func missingArchitectureTensorIsNamed() throws {
        let path = try writeGGUF(Self.entries("qwen3"), name: "qwen3-no-tensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: FormatError.shapeMismatch(file: path, tensor: "token_embd.weight", expected: [50, 64], found: nil)) {
            try LlamaModel(gguf: GGUFFile(path: path), backend: CPUBackend())
        }
    }
}

/// A family's own tensor missing from a real file (one letter of its name changed in a copy of
/// the random file): the error names the tensor and the file.
@Suite struct ArchitectureMissingTensorTests {
    @Test(arguments: [("qwen3", "blk.1.attn_k_norm.weight"), ("gemma2", "blk.0.post_ffw_norm.weight"),
                      ("gemma3", "blk.2.post_attention_norm.weight"), ("qwen2", "blk.0.ffn_gate.weight")])
    func missingTensorIsNamed(architecture: String, tensor: String) throws {
        guard let original = FetchedModels.path("random-archs/\(architecture).gguf") else { return }
        var bytes = try Data(contentsOf: URL(filePath: original))
        let name = Data(tensor.utf8)
        let range = try #require(bytes.range(of: name), "\(tensor) is in \(original)")
        bytes[range.upperBound - 1] = UInt8(ascii: "X") // "….weighX": the tensor is now missing
        let path = FileManager.default.temporaryDirectory.appending(path: "vulkanlm-missing-\(UUID().uuidString).gguf").path
        try bytes.write(to: URL(filePath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try LlamaModel(path: path, backend: CPUBackend(), options: .init(contextLength: 64))
            Issue.record("\(tensor) missing was accepted")
        } catch {
            #expect("\(error)".contains(tensor) && "\(error)".contains(path) && !"\(error)".contains("\n"), "\(error)")
        }
    }
}
