import Foundation
import Testing
@testable import Formats

@Suite struct ModelFolderTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    static let tinyGPT2 = GPT2Config(vocabSize: 5, nPositions: 3, nEmbd: 4, nLayer: 1, nHead: 2)
    static let tinyGPT2JSON = #"{"model_type":"gpt2","vocab_size":5,"n_positions":3,"n_embd":4,"n_layer":1,"n_head":2}"#

    /// Tensors for `tinyGPT2`, named with `prefix`, values all `fill`.
    static func gpt2Tensors(prefix: String = "", fill: Float = 0.5) -> [TestTensor] {
        tinyGPT2.expectedTensors().filter(\.isRequired).map { expected in
            .f32(prefix + expected.name, expected.shape, .init(repeating: fill, count: expected.shape.reduce(1, *)))
        } + [.f32(prefix + "h.0.attn.bias", [1, 1, 3, 3], [1, 0, 0, 1, 1, 0, 1, 1, 1])]
    }

    @Test func missingFolderAndMissingFilesAreNamed() throws {
        expectFormatError(["no-such-model"]) { _ = try ModelFolder(path: directory.file("no-such-model")) }
            where: { if case .missingFile = $0 { true } else { false } }
        expectFormatError(["config.json"]) { _ = try ModelFolder(path: directory.path) }
            where: { $0 == .missingFile(file: directory.file("config.json")) }
        try directory.write(Self.tinyGPT2JSON, to: "config.json")
        expectFormatError(["model.safetensors"]) { _ = try ModelFolder(path: directory.path) }
            where: { $0 == .missingFile(file: directory.file("model.safetensors")) }
    }

    @Test func singleFileFolderWithTokenizerFiles() throws {
        try directory.write(Self.tinyGPT2JSON, to: "config.json")
        try directory.write(safetensorsBytes(Self.gpt2Tensors()), to: "model.safetensors")
        try directory.write("{}", to: "vocab.json")
        try directory.write("#version: 0.2\n", to: "merges.txt")
        let folder = try ModelFolder(path: directory.path)
        #expect(folder.config == .gpt2(Self.tinyGPT2))
        #expect(folder.weights == .single(path: directory.file("model.safetensors")))
        #expect(folder.tokenizerFiles.vocabJSON == directory.file("vocab.json"))
        #expect(folder.tokenizerFiles.merges == directory.file("merges.txt"))
        #expect(folder.tokenizerFiles.tokenizerJSON == nil)
        #expect(folder.sentenceTransformers == nil)

        let checked = try folder.openCheckedWeights()
        #expect(checked.unused.isEmpty, "the causal mask is a buffer, not an unused weight")
        #expect(try checked.floats("h.0.mlp.c_fc.weight") == .init(repeating: 0.5, count: 4 * 16))
    }

    @Test func shardedFolderWithPrefixedNames() throws {
        let tensors = Self.gpt2Tensors(prefix: "transformer.")
        let (first, second) = (Array(tensors.prefix(7)), Array(tensors.dropFirst(7)))
        try directory.write(Self.tinyGPT2JSON, to: "config.json")
        try directory.write(safetensorsBytes(first), to: "model-00001-of-00002.safetensors")
        try directory.write(safetensorsBytes(second), to: "model-00002-of-00002.safetensors")
        let map = first.map { "\"\($0.name)\": \"model-00001-of-00002.safetensors\"" }
            + second.map { "\"\($0.name)\": \"model-00002-of-00002.safetensors\"" }
        try directory.write("{\"metadata\": {\"total_size\": 1}, \"weight_map\": {\(map.joined(separator: ","))}}",
                            to: "model.safetensors.index.json")
        let folder = try ModelFolder(path: directory.path)
        let checked = try folder.openCheckedWeights()
        #expect(checked.tensors["wte.weight"]?.name == "transformer.wte.weight")
        #expect(checked.tensors["ln_f.bias"]?.file.hasSuffix("model-00002-of-00002.safetensors") == true)

        // A missing shard is named.
        try FileManager.default.removeItem(atPath: directory.file("model-00002-of-00002.safetensors"))
        expectFormatError(["model-00002-of-00002.safetensors"]) { _ = try folder.openWeights() }
            where: { if case .missingFile = $0 { true } else { false } }
    }

    @Test func shardIndexThatEscapesTheFolder() throws {
        try directory.write(Self.tinyGPT2JSON, to: "config.json")
        try directory.write(#"{"weight_map": {"wte.weight": "../../etc/passwd"}}"#, to: "model.safetensors.index.json")
        expectFormatError(["model.safetensors.index.json", "weight_map"]) { _ = try ModelFolder(path: directory.path) }
            where: { if case .badConfig = $0 { true } else { false } }
    }

    @Test func shardsThatDisagreeWithTheIndex() throws {
        let a = try SafetensorsFile(path: directory.write(safetensorsBytes([.f32("x", [1], [1])]), to: "a.safetensors"))
        let b = try SafetensorsFile(path: directory.write(safetensorsBytes([.f32("x", [1], [2])]), to: "b.safetensors"))
        expectFormatError(["b.safetensors", "'x'", "a.safetensors"]) {
            _ = try ShardedCheckpoint(indexPath: "index.json", shards: [a, b], weightMap: [:])
        } where: { if case .duplicateTensor = $0 { true } else { false } }
        expectFormatError(["index.json", "x"]) {
            _ = try ShardedCheckpoint(indexPath: "index.json", shards: [a], weightMap: ["x": "b.safetensors"])
        } where: { if case .badConfig = $0 { true } else { false } }
    }

    @Test func sentenceTransformersPooling() throws {
        try directory.write(ConfigTests.bertJSON, to: "config.json")
        try directory.write(safetensorsBytes([]), to: "model.safetensors")
        try directory.write("""
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
             {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
             {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
            """, to: "modules.json")
        try directory.write(#"{"word_embedding_dimension": 384, "pooling_mode_mean_tokens": true}"#, to: "1_Pooling/config.json")
        let folder = try ModelFolder(path: directory.path)
        #expect(folder.sentenceTransformers?.pooling == PoolingConfig(wordEmbeddingDimension: 384, meanTokens: true))
        #expect(folder.sentenceTransformers?.normalize == true)
    }

    @Test func poolingConfigMissingIsNamed() throws {
        try directory.write(ConfigTests.bertJSON, to: "config.json")
        try directory.write(safetensorsBytes([]), to: "model.safetensors")
        try directory.write(#"[{"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]"#,
                            to: "modules.json")
        expectFormatError(["1_Pooling/config.json"]) { _ = try ModelFolder(path: directory.path) }
            where: { if case .missingFile = $0 { true } else { false } }
    }
}
