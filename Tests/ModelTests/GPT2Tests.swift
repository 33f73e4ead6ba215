import CPUBackend
import Foundation
import Models
import Testing
import TestSupport
import VulkanLM

/// GPT-2 against `scripts/gpt2_reference.py` (numpy float64, its own safetensors reader, no KV
/// cache), on random checkpoints the tests regenerate with fixed seeds. Fixtures hold the
/// reference's last-position logits and 32-token greedy continuations for three prompts.
@Suite(.serialized, .noValidationMessages) struct GPT2Tests {
    struct Fixture: Decodable, CustomTestStringConvertible {
        struct Checkpoint: Decodable { let seed: Int; let gpt2_dims: String; let f16: Bool }
        struct Case: Decodable { let prompt: [Int]; let logits: [Double]; let greedy: [Int]; let min_top2_gap: Double }
        let checkpoint: Checkpoint
        let cases: [Case]
        var name = ""
        var testDescription: String { name }

        private enum CodingKeys: String, CodingKey { case checkpoint, cases }

        static func load(_ name: String) throws -> Fixture {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).json")
            var fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
            fixture.name = name
            return fixture
        }
    }

    static let fixtureNames = ["gpt2-tiny-f32", "gpt2-tiny-f16"]

    /// Relative error bound on last-position logits against the float64 reference (which reads the
    /// same f16 weights as stored): measured at most 2.9e-7 (f32 and f16 checkpoints, CPU and
    /// lavapipe), so 3e-6.
    static let logitBound = 3e-6

    /// The CPU backend and lavapipe (nil where Vulkan tests are skipped).
    static func backends() throws -> [any Backend] {
        [CPUBackend()] + ((try TestVulkan.backend()).map { [$0] } ?? [])
    }

    static func checkpoint(_ fixture: Fixture) throws -> RandomGPT2Checkpoint? {
        try RandomGPT2Checkpoint.make(seed: fixture.checkpoint.seed, dims: fixture.checkpoint.gpt2_dims, f16: fixture.checkpoint.f16)
    }

    /// ‖a − b‖ / ‖b‖ (Frobenius).
    static func relativeError(_ a: [Float], _ b: [Double]) -> Double {
        let difference = zip(a, b).map { (Double($0) - $1) * (Double($0) - $1) }.reduce(0, +)
        return (difference / b.map { $0 * $0 }.reduce(0, +)).squareRoot()
    }

    static func argmax(_ values: [Float]) -> Int {
        values.indices.max { values[$0] < values[$1] } ?? 0
    }

    /// Greedy continuation: the prompt as one batch, then one token per step from the cache, or
    /// (without the cache) the whole sequence recomputed every step.
    static func greedy(_ model: GPT2Model, prompt: [Int], steps: Int, cached: Bool) throws -> [Int] {
        var sequence = prompt
        var logits = try model.nextTokenLogits(of: prompt)
        for step in 0..<steps {
            sequence.append(argmax(logits))
            guard step < steps - 1 else { break }
            logits = cached ? try model.nextTokenLogits(appending: [sequence.last ?? 0])
                            : try model.nextTokenLogits(of: sequence)
        }
        return Array(sequence.dropFirst(prompt.count))
    }

    @Test(arguments: fixtureNames)
    func lastPositionLogitsMatchTheReference(name: String) throws {
        let fixture = try Fixture.load(name)
        guard let checkpoint = try Self.checkpoint(fixture) else { return }
        for backend in try Self.backends() {
            let model = try GPT2Model(path: checkpoint.path, backend: backend)
            for testCase in fixture.cases {
                let logits = try model.nextTokenLogits(of: testCase.prompt)
                let error = Self.relativeError(logits, testCase.logits)
                print("\(name) \(backend.name) prompt \(testCase.prompt.count) tokens: relative error \(error)")
                #expect(error <= Self.logitBound, "\(name) on \(backend.name), prompt \(testCase.prompt): error \(error) > bound \(Self.logitBound)")
            }
        }
    }

    @Test(arguments: fixtureNames)
    func greedyContinuationsMatchTheReferenceWithAndWithoutTheCache(name: String) throws {
        let fixture = try Fixture.load(name)
        guard let checkpoint = try Self.checkpoint(fixture) else { return }
        for backend in try Self.backends() {
            let model = try GPT2Model(path: checkpoint.path, backend: backend)
            for testCase in fixture.cases {
                let cached = try Self.greedy(model, prompt: testCase.prompt, steps: testCase.greedy.count, cached: true)
                #expect(cached == testCase.greedy, "\(name) on \(backend.name) with the cache, prompt \(testCase.prompt)")
                let recomputed = try Self.greedy(model, prompt: testCase.prompt, steps: testCase.greedy.count, cached: false)
                #expect(recomputed == testCase.greedy, "\(name) on \(backend.name) without the cache, prompt \(testCase.prompt)")
            }
        }
    }

    /// Feeding a sequence in uneven chunks gives the logits of feeding it at once.
    @Test func chunkedPrefillMatchesOneBatchOnEveryBackend() throws {
        let fixture = try Fixture.load("gpt2-tiny-f32")
        guard let checkpoint = try Self.checkpoint(fixture) else { return }
        let sequence = [5, 9, 400, 2, 77, 13, 13, 250, 1]
        var results: [[Float]] = []
        for backend in try Self.backends() {
            let model = try GPT2Model(path: checkpoint.path, backend: backend)
            let whole = try model.nextTokenLogits(of: sequence)
            model.reset()
            _ = try model.nextTokenLogits(appending: Array(sequence[0..<4]))
            _ = try model.nextTokenLogits(appending: Array(sequence[4..<5]))
            let chunked = try model.nextTokenLogits(appending: Array(sequence[5...]))
            #expect(model.cachedTokens == sequence.count)
            #expect(Self.relativeError(chunked, whole.map(Double.init)) < 1e-5, "\(backend.name)")
            results.append(whole)
        }
        if results.count == 2 {
            #expect(Self.relativeError(results[1], results[0].map(Double.init)) < 1e-4, "CPU and Vulkan disagree")
        }
    }

    /// A token table over the device's buffer limit (GPT-2's f32 wte on lavapipe) is stored in
    /// row blocks; lookups and the LM head give the same logits as one table.
    @Test(arguments: fixtureNames)
    func tokenTableSplitIntoBlocksGivesTheSameLogits(name: String) throws {
        let fixture = try Fixture.load(name)
        guard let checkpoint = try Self.checkpoint(fixture) else { return }
        for base in try Self.backends() {
            // 64-wide f32 rows are 256 bytes: 30 rows per block, 17 blocks for 500 rows (f16 48-wide: 80 rows, 5 blocks).
            let limit = 7680
            let model = try GPT2Model(path: checkpoint.path, backend: BufferLimitedBackend(base, limit: limit, prefix: "wte"))
            for testCase in fixture.cases {
                let prompt = testCase.prompt + [fixture.checkpoint.gpt2_dims.hasPrefix("500") ? 499 : 388, 0, 31]
                let reference = try GPT2Model(path: checkpoint.path, backend: base).nextTokenLogits(of: prompt)
                let blocked = try model.nextTokenLogits(of: prompt)
                #expect(Self.relativeError(blocked, reference.map(Double.init)) < 1e-6, "\(name) on \(base.name)")
                let next = try model.nextTokenLogits(appending: [Self.argmax(blocked)])
                #expect(next.count == reference.count)
            }
            let error = Self.relativeError(try model.nextTokenLogits(of: fixture.cases[0].prompt), fixture.cases[0].logits)
            #expect(error <= Self.logitBound, "\(name) on \(base.name) in blocks: error \(error) > bound \(Self.logitBound)")
        }
    }

    @Test func tooLongASequenceNamesTheLimit() throws {
        let fixture = try Fixture.load("gpt2-tiny-f32")
        guard let checkpoint = try Self.checkpoint(fixture) else { return }
        let model = try GPT2Model(path: checkpoint.path, backend: CPUBackend())
        #expect(throws: ModelError.contextOverflow(tokens: 65, limit: 64)) {
            try model.nextTokenLogits(of: Array(repeating: 1, count: 65))
        }
        _ = try model.nextTokenLogits(of: Array(repeating: 1, count: 60))
        #expect(throws: ModelError.contextOverflow(tokens: 65, limit: 64)) {
            try model.nextTokenLogits(appending: [1, 2, 3, 4, 5])
        }
        #expect(model.cachedTokens == 60, "a refused chunk leaves the cache as it was")
        #expect(throws: ModelError.tokenOutOfRange(sequence: 0, position: 0, id: 500, vocabularySize: 500)) {
            try model.nextTokenLogits(appending: [500])
        }
        #expect("\(ModelError.contextOverflow(tokens: 65, limit: 64))".contains("64 positions"))
    }
}
