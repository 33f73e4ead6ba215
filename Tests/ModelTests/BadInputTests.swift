import Compute
import CPUBackend
import Formats
import Foundation
import Models
import Testing
import Tokenizers

/// Wrong files and wrong input give errors that name the file, tensor or position at fault.
@Suite struct BadInputTests {
    @Test func aTensorWhoseShapeDisagreesWithTheConfigIsNamed() throws {
        let directory = try TemporaryDirectory()
        let folder = try directory.copy(fixture: "bert-mlm")
        let configPath = folder + "/config.json"
        let config = try String(contentsOfFile: configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "\"intermediate_size\": 37", with: "\"intermediate_size\": 38")
            .write(toFile: configPath, atomically: true, encoding: .utf8)
        let error = try #require(throws: FormatError.self) { try BERTModel(path: folder, backend: CPUBackend()) }
        #expect("\(error)".contains("bert.encoder.layer.0.intermediate.dense.weight"), "\(error)")
        #expect("\(error)".contains("[37, 16]") && "\(error)".contains("[38, 16]"), "\(error)")
    }

    @Test func aTruncatedSafetensorsFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        let folder = try directory.copy(fixture: "bert-mlm")
        let weights = folder + "/model.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: weights))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: weights))
        let error = try #require(throws: FormatError.self) { try BERTModel(path: folder, backend: CPUBackend()) }
        #expect("\(error)".contains(weights), "\(error)")
    }

    @Test func aMissingTokenizerIsNamed() throws {
        let directory = try TemporaryDirectory()
        let folder = try directory.copy(fixture: "bert-mlm")
        let error = try #require(throws: TokenizerError.self) { try Embedder(folder: folder, backend: CPUBackend()) }
        #expect("\(error)".contains(folder), "\(error)")
        #expect("\(error)".contains("tokenizer.json"), "\(error)")
    }

    @Test func idsOutsideTheVocabularyAndOverlongInputAreRejected() throws {
        let model = try BERTModel(path: fixtures + "/bert-mlm", backend: CPUBackend())
        #expect(throws: ModelError.tokenOutOfRange(sequence: 1, position: 2, id: 101, vocabularySize: 101)) {
            try model.maskedLMLogits([[2, 3], [2, 5, 101, 3]])
        }
        #expect(throws: ModelError.sequenceTooLong(index: 0, length: 41, limit: 40)) {
            try model.hiddenStates([Array(repeating: 5, count: 41)])
        }
        #expect(throws: ModelError.emptySequence(index: 0)) { try model.hiddenStates([[]]) }
    }

    @Test func askingForAHeadTheCheckpointLacksSaysSo() throws {
        let model = try BERTModel(path: fixtures + "/bert-mlm", backend: CPUBackend())
        let error = try #require(throws: ModelError.self) { try model.classificationLogits([[2, 3]]) }
        #expect("\(error)".contains("model.safetensors"), "\(error)")
    }
}
