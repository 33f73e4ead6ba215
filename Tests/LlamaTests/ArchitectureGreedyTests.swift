import CPUBackend
import Compute
import Foundation
import Formats
import Models
import Testing
import TestSupport

/// The random-weight files of every registered architecture (scripts/make-random-architectures.py,
/// made by scripts/fetch-models.sh) against llama.cpp's greedy continuations of them
/// (Fixtures/architectures/<arch>.json, scripts/make-architecture-references.py).
enum ArchitectureFixtures {
    static let architectures = ["llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"]

    struct Case: Sendable {
        let prompt: String
        let promptIDs: [Int]
        let ids: [Int]
    }

    struct Fixture: Sendable {
        let modelBytes: Int
        let cases: [Case]
    }

    static func fixture(_ architecture: String) throws -> Fixture {
        let url = LlamaFixtures.directory.appending(path: "architectures/\(architecture).json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let meta = object?["meta"] as? [String: Any]
        let cases = (object?["cases"] as? [[String: Any]] ?? []).compactMap { c -> Case? in
            guard let prompt = c["prompt"] as? String, let promptIDs = c["prompt_ids"] as? [Int],
                  let ids = c["ids"] as? [Int] else { return nil }
            return Case(prompt: prompt, promptIDs: promptIDs, ids: ids)
        }
        return Fixture(modelBytes: meta?["model_bytes"] as? Int ?? -1, cases: cases)
    }

    /// The generated file, or nil (skip; a failure under CI=true) when it is missing. A size
    /// other than the fixture's means the generator changed and the fixtures must be remade.
    static func path(_ architecture: String, fixture: Fixture) -> String? {
        guard let path = FetchedModels.path("random-archs/\(architecture).gguf") else { return nil }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        #expect(size == fixture.modelBytes, "\(path) is \(size ?? -1) bytes, the fixture's file \(fixture.modelBytes): remake one of them")
        return path
    }
}

@Suite(.serialized) struct ArchitectureGreedyTests {
    /// For every prompt: our greedy tokens on the CPU equal llama.cpp's, or part from them only
    /// where the two candidates are within `nearTieGap` in our logits (printed). Most prompts
    /// must be identical throughout.
    @Test(arguments: ArchitectureFixtures.architectures)
    func cpuGreedyMatchesLlamaCpp(architecture: String) throws {
        let fixture = try ArchitectureFixtures.fixture(architecture)
        #expect(fixture.cases.count >= 8)
        guard let path = ArchitectureFixtures.path(architecture, fixture: fixture) else { return }
        let model = try LlamaModel(path: path, backend: CPUBackend(), options: .init(contextLength: 512))
        #expect(model.config.architecture == architecture)
        var identical = 0, maxGap: Float = 0
        for c in fixture.cases {
            let (ids, logits) = try greedyTokens(model, prompt: c.promptIDs, count: c.ids.count, stop: [])
            guard let step = ids.indices.first(where: { ids[$0] != c.ids[$0] }) else {
                identical += 1
                continue
            }
            let ours = ids[step], theirs = c.ids[step], row = logits[step], gap = row[ours] - row[theirs]
            maxGap = max(maxGap, gap)
            print("\(architecture): \(c.prompt.debugDescription.prefix(40)) matches llama.cpp for \(step) tokens, then "
                  + "\(ours) (logit \(row[ours])) vs llama.cpp's \(theirs) (logit \(row[theirs])): gap \(gap)")
            #expect(gap <= nearTieGap, "\(architecture): \(c.prompt.debugDescription) parts from llama.cpp at token \(step) by \(gap)")
        }
        print("\(architecture): \(identical) of \(fixture.cases.count) prompts identical to llama.cpp (cpu); largest gap at a divergence \(maxGap)")
        #expect(identical * 2 > fixture.cases.count, "\(architecture): only \(identical) of \(fixture.cases.count) prompts identical")
    }

    /// The same model on lavapipe: one prompt, a few tokens (the LM head alone is 49152 rows).
    @Test(.noValidationMessages, arguments: ArchitectureFixtures.architectures)
    func vulkanGreedyMatchesLlamaCpp(architecture: String) throws {
        let fixture = try ArchitectureFixtures.fixture(architecture)
        guard let c = fixture.cases.last, let path = ArchitectureFixtures.path(architecture, fixture: fixture),
              let vulkan = try TestVulkan.backend() else { return }
        let model = try LlamaModel(path: path, backend: vulkan, options: .init(contextLength: 64))
        let count = 4
        let (ids, logits) = try greedyTokens(model, prompt: c.promptIDs, count: count, stop: [])
        if let step = ids.indices.first(where: { ids[$0] != c.ids[$0] }) {
            let gap = logits[step][ids[step]] - logits[step][c.ids[step]]
            print("\(architecture) (vulkan): parts from llama.cpp at token \(step): gap \(gap)")
            #expect(gap <= nearTieGap, "\(architecture) (vulkan): parts from llama.cpp at token \(step) by \(gap)")
        } else {
            print("\(architecture) (vulkan): \(count) tokens identical to llama.cpp")
        }
    }
}
