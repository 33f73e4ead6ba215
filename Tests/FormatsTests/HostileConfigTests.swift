import Foundation
import Testing
@testable import Formats

/// Issue 10's reproductions at the library level: sizes in a config are checked against the
/// weights present before anything is built from them, settings the code does not implement
/// are refused, and messages name the field in plain words.
@Suite struct HostileConfigTests {
    /// A folder with the tiny BERT fixture's weights and `config` (edited) as config.json.
    static func bertFolder(_ edit: (inout [String: Any]) -> Void) throws -> TemporaryDirectory {
        let fixture = repositoryRoot + "/Tests/ModelTests/Fixtures/bert-mlm"
        var config = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: fixture + "/config.json"))) as? [String: Any])
        edit(&config)
        let directory = try TemporaryDirectory()
        try directory.write(Array(try JSONSerialization.data(withJSONObject: config)), to: "config.json")
        try FileManager.default.createSymbolicLink(atPath: directory.file("model.safetensors"),
                                                   withDestinationPath: fixture + "/model.safetensors")
        return directory
    }

    @Test func bertLayerCountIsCheckedAgainstTheWeightsBeforeAnythingIsBuilt() throws {
        let directory = try Self.bertFolder { $0["num_hidden_layers"] = 1 << 24 }
        let start = ContinuousClock.now
        let folder = try ModelFolder(path: directory.path)
        expectFormatError(["num_hidden_layers", "16777216", "weights for 2"], { _ = try folder.openCheckedWeights() }) {
            if case .badConfig = $0 { true } else { false }
        }
        // Building 16M layers' expectations took minutes and 23 GB; the check takes milliseconds.
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func fewerLayersThanStoredIsAnError() throws {
        let directory = try Self.bertFolder { $0["num_hidden_layers"] = 1 }
        let folder = try ModelFolder(path: directory.path)
        expectFormatError(["num_hidden_layers", "says 1 layers", "weights for 2"], { _ = try folder.openCheckedWeights() }) {
            if case .badConfig = $0 { true } else { false }
        }
    }

    @Test func gpt2LayerCountIsCheckedAgainstTheWeights() throws {
        let directory = try TemporaryDirectory()
        try directory.write(#"{"model_type": "gpt2", "vocab_size": 10, "n_positions": 8, "n_embd": 4, "n_layer": 1000000, "n_head": 2}"#,
                            to: "config.json")
        try directory.write(safetensorsBytes([.f32("wte.weight", [10, 4], [Float](repeating: 0, count: 40)),
                                              .f32("h.0.ln_1.weight", [4], [1, 1, 1, 1])]), to: "model.safetensors")
        let start = ContinuousClock.now
        let folder = try ModelFolder(path: directory.path)
        expectFormatError(["n_layer", "1000000", "weights for 1"], { _ = try folder.openCheckedWeights() }) {
            if case .badConfig = $0 { true } else { false }
        }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test(arguments: [("hidden_act", "relu"), ("position_embedding_type", "rotary")])
    func unimplementedSettingsAreRefused(field: String, value: String) throws {
        let directory = try Self.bertFolder { $0[field] = value }
        expectFormatError([field, value, "not implemented"], { _ = try ModelFolder(path: directory.path) }) {
            if case .badConfig = $0 { true } else { false }
        }
    }

    @Test func poolingDimensionMustMatchTheModel() throws {
        let directory = try Self.bertFolder { _ in }
        try directory.write(#"[{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"}, {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]"#,
                            to: "modules.json")
        try directory.write(#"{"word_embedding_dimension": 384, "pooling_mode_mean_tokens": true}"#, to: "1_Pooling/config.json")
        expectFormatError(["word_embedding_dimension", "384", "hidden_size is 16"], { _ = try ModelFolder(path: directory.path) }) {
            if case .badConfig = $0 { true } else { false }
        }
    }

    @Test func aNonIntegerNamesTheFieldInPlainWords() throws {
        let directory = try Self.bertFolder { $0["num_hidden_layers"] = 4096.5 }
        let error = expectFormatError(["num_hidden_layers"], { _ = try ModelFolder(path: directory.path) }) { _ in true }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(!message.contains("numberIsNotRepresentable") && !message.contains("not valid JSON"), "\(message)")
        #expect(message.contains("integer"), "\(message)")
    }

    @Test(arguments: ["[]", "\"text\"", "42"])
    func aConfigThatIsNotAnObjectSaysSo(json: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(json, to: "config.json")
        let error = expectFormatError([path], { _ = try ModelConfig.load(from: path) }) { _ in true }
        let message = "\(error.map { "\($0)" } ?? "")"
        #expect(!message.contains("Dictionary<") && !message.contains("field ''"), "\(message)")
        #expect(message.contains("JSON object"), "\(message)")
    }

    @Test func aFIFOIsRefusedBeforeOpen() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.file("model.gguf")
        #expect(mkfifo(fifo, 0o600) == 0)
        expectFormatError([fifo, "not a regular file", "FIFO"], { _ = try GGUFFile(path: fifo) }) {
            if case .cannotRead = $0 { true } else { false }
        }
        expectFormatError([fifo, "FIFO"], { _ = try SafetensorsFile(path: fifo) }) { _ in true }
    }

    @Test func aDirectoryIsNotReportedAsMissing() throws {
        let directory = try TemporaryDirectory()
        expectFormatError([directory.path, "directory"], { _ = try GGUFFile(path: directory.path) }) {
            if case .cannotRead = $0 { true } else { false }
        }
    }
}

/// A GGUF dimension no Int can hold is reported with the file's own dims, not an empty shape.
@Suite struct GGUFHugeDimensionTests {
    @Test func aTwoToTheSixtyThreeDimensionIsShownAsWritten() throws {
        let directory = try TemporaryDirectory()
        let builder = GGUFBuilder(metadata: [("general.name", .string("huge"))],
                                  tensors: [TestGGUFTensor(name: "weight", type: 0, dimensions: [8, 1 << 63],
                                                           data: Array(repeating: 0, count: 32))])
        let path = try directory.write(builder.bytes(), to: "huge.gguf")
        let error = expectFormatError(["huge.gguf", "weight", "9223372036854775808", "[8, 9223372036854775808]"],
                                      { _ = try GGUFFile(path: path) }) { _ in true }
        #expect(!"\(error.map { "\($0)" } ?? "")".contains("shape []"))
    }
}
