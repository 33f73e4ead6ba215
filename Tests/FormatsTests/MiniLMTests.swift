import Foundation
import Testing
@testable import Formats

/// The real all-MiniLM-L6-v2 checkpoint, when the fetch script has put it in the repo cache.
@Suite struct MiniLMTests {
    static let folder = repositoryRoot + "/.cache/models/all-MiniLM-L6-v2"
    static let isPresent: Bool = {
        let present = FileManager.default.fileExists(atPath: folder + "/config.json")
        if !present { print("MiniLMTests: skipped, no model at \(folder) (the fetch script puts it there in CI)") }
        // Under CI=true the tests run anyway, so a missing model fails them instead of skipping.
        return present || isCI
    }()

    @Test(.enabled(if: isPresent, "all-MiniLM-L6-v2 not found under .cache/models (fetched in CI)"))
    func loadsAndPassesTheBERTShapeCheck() throws {
        let model = try ModelFolder(path: Self.folder)
        guard case .bert(let config) = model.config else {
            Issue.record("expected a BERT config, found \(model.config.modelType)")
            return
        }
        #expect(config.hiddenSize == 384)
        #expect(config.numHiddenLayers == 6)
        #expect(config.numAttentionHeads == 12)
        let checked = try model.openCheckedWeights()
        #expect(checked.unused.isEmpty, "unexpected tensors: \(checked.unused)")
        #expect(checked.tensors["pooler.dense.weight"]?.shape == [384, 384])
        let embeddings = try checked.floats("embeddings.word_embeddings.weight")
        #expect(embeddings.count == config.vocabSize * 384)
        #expect(embeddings.allSatisfy { $0.isFinite })
        #expect(model.sentenceTransformers?.pooling.meanTokens == true)
        #expect(model.sentenceTransformers?.normalize == true)
        #expect(model.tokenizerFiles.vocabTxt != nil || model.tokenizerFiles.tokenizerJSON != nil)
    }
}
