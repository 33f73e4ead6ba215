import Foundation
import Testing
@testable import Formats

@Suite struct ConfigTests {
    let directory: TemporaryDirectory
    init() throws { directory = try TemporaryDirectory() }

    static let gpt2JSON = """
        {"model_type": "gpt2", "vocab_size": 50257, "n_positions": 1024, "n_ctx": 1024, "n_embd": 768,
         "n_layer": 12, "n_head": 12, "n_inner": null, "architectures": ["GPT2LMHeadModel"]}
        """

    static let bertJSON = """
        {"model_type": "bert", "vocab_size": 30522, "hidden_size": 384, "num_hidden_layers": 6,
         "num_attention_heads": 12, "intermediate_size": 1536, "max_position_embeddings": 512,
         "type_vocab_size": 2, "architectures": ["BertModel"]}
        """

    func load(_ json: String) throws -> ModelConfig {
        try ModelConfig.load(from: directory.write(json, to: "config.json"))
    }

    @Test func gpt2DefaultsFillAbsentFields() throws {
        guard case .gpt2(let config) = try load(Self.gpt2JSON) else { Issue.record("not gpt2"); return }
        #expect(config == GPT2Config(vocabSize: 50257, nPositions: 1024, nEmbd: 768, nLayer: 12, nHead: 12,
                                     layerNormEpsilon: 1e-5, activationFunction: "gelu_new", nInner: 3072,
                                     tieWordEmbeddings: true, architectures: ["GPT2LMHeadModel"]))
        #expect(config.headDimension == 64)
    }

    @Test func gpt2ExplicitFieldsWin() throws {
        let json = #"{"model_type":"gpt2","vocab_size":10,"n_ctx":8,"n_embd":4,"n_layer":1,"n_head":2,"n_inner":6,"#
            + #""layer_norm_epsilon":1e-6,"activation_function":"relu","tie_word_embeddings":false}"#
        guard case .gpt2(let config) = try load(json) else { Issue.record("not gpt2"); return }
        #expect(config.nPositions == 8)
        #expect(config.nInner == 6)
        #expect(config.layerNormEpsilon == 1e-6)
        #expect(config.activationFunction == "relu")
        #expect(!config.tieWordEmbeddings)
        #expect(config.expectedTensors().last == ExpectedTensor("lm_head.weight", [10, 4], required: true))
    }

    @Test func bertDefaultsFillAbsentFields() throws {
        guard case .bert(let config) = try load(Self.bertJSON) else { Issue.record("not bert"); return }
        #expect(config.layerNormEps == 1e-12)
        #expect(config.hiddenAct == "gelu")
        #expect(config.headDimension == 32)
        #expect(config.head == .none)
        #expect(config.numLabels == 2)
    }

    @Test func bertClassificationLabels() throws {
        let json = Self.bertJSON.replacingOccurrences(of: "\"BertModel\"", with: "\"BertForSequenceClassification\"")
            .replacingOccurrences(of: "\"type_vocab_size\": 2,", with: "\"type_vocab_size\": 2, \"id2label\": {\"0\": \"NEG\", \"1\": \"NEU\", \"2\": \"POS\"},")
        guard case .bert(let config) = try load(json) else { Issue.record("not bert"); return }
        #expect(config.head == .sequenceClassification)
        #expect(config.numLabels == 3)
        #expect(config.id2label == [0: "NEG", 1: "NEU", 2: "POS"])
    }

    @Test(arguments: [
        ("\"n_head\": 12", "\"n_head\": 7", "n_embd"),        // 768 not divisible by 7
        ("\"n_layer\": 12", "\"n_layer\": 0", "n_layer"),
        ("\"vocab_size\": 50257", "\"vocab_size\": -3", "vocab_size"),
        ("\"n_embd\": 768", "\"n_embd\": \"big\"", "n_embd"),
        ("\"n_layer\": 12,", "", "n_layer"),
        ("\"n_embd\": 768", "\"n_embd\": 4611686018427387904", "n_embd"),
    ])
    func badGPT2Fields(original: String, replacement: String, field: String) throws {
        let json = Self.gpt2JSON.replacingOccurrences(of: original, with: replacement)
        expectFormatError(["config.json", field]) { _ = try load(json) }
            where: { if case .badConfig(_, field, _) = $0 { true } else { false } }
    }

    @Test(arguments: [
        ("\"num_attention_heads\": 12", "\"num_attention_heads\": 5", "hidden_size"),
        ("\"intermediate_size\": 1536", "\"intermediate_size\": 0", "intermediate_size"),
        ("\"hidden_size\": 384,", "", "hidden_size"),
        ("\"type_vocab_size\": 2,", "\"type_vocab_size\": 2, \"id2label\": {\"x\": \"A\"},", "id2label"),
        ("\"type_vocab_size\": 2,", "\"type_vocab_size\": 2, \"id2label\": {\"1\": \"A\"},", "id2label"),
        ("\"type_vocab_size\": 2,", "\"type_vocab_size\": 2, \"layer_norm_eps\": -1,", "layer_norm_eps"),
    ])
    func badBERTFields(original: String, replacement: String, field: String) throws {
        let json = Self.bertJSON.replacingOccurrences(of: original, with: replacement)
        expectFormatError(["config.json", field]) { _ = try load(json) }
            where: { if case .badConfig(_, field, _) = $0 { true } else { false } }
    }

    @Test func unknownModelType() {
        expectFormatError(["config.json", "llama"]) { _ = try load(#"{"model_type": "llama"}"#) }
            where: { if case .unsupportedModelType(_, "llama") = $0 { true } else { false } }
    }

    @Test func missingModelType() {
        expectFormatError(["config.json", "model_type"]) { _ = try load(#"{"vocab_size": 3}"#) }
            where: { if case .badConfig(_, "model_type", _) = $0 { true } else { false } }
    }

    @Test func configThatIsNotJSON() {
        expectFormatError(["config.json"]) { _ = try load("{\"model_type\": ") }
            where: { if case .badJSON = $0 { true } else { false } }
    }

    @Test func poolingFlags() throws {
        let path = try directory.write(#"{"word_embedding_dimension": 384, "pooling_mode_cls_token": true}"#, to: "p/config.json")
        #expect(try PoolingConfig.load(from: path) == PoolingConfig(wordEmbeddingDimension: 384, clsToken: true))
        let none = try directory.write(#"{"word_embedding_dimension": 384}"#, to: "q/config.json")
        expectFormatError(["q/config.json"]) { _ = try PoolingConfig.load(from: none) }
            where: { if case .badConfig = $0 { true } else { false } }
    }
}
