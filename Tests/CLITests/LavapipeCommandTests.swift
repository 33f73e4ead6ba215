import Foundation
import Testing
import TestSupport

/// `generate`, `chat` and `embed` on lavapipe (`--device llvmpipe`, validation on) give what the
/// CPU device gives: the same greedy text, and vectors within a bound. Kept to a few tokens of
/// the random tiny llama (scripts/make-random-architectures.py; ~8 s a run on lavapipe, where
/// SmolLM2 takes ~30 s): its greedy text for these prompts is no near-tie between the devices.
@Suite(.serialized) struct LavapipeCommandTests {
    static let model = "random-archs/llama.gguf"

    /// Whether `vulkanlm devices` lists lavapipe; a recorded failure under CI=true when not.
    static func lavapipe() throws -> Bool {
        let devices = try CLITests.run(["devices"])
        guard devices.stdout.contains("llvmpipe") else {
            if TestVulkan.isCI { Issue.record("no lavapipe in CI: \(devices.stdout)") } else { print("skipped: no lavapipe") }
            return false
        }
        return true
    }

    static func onBothDevices(_ arguments: [String]) throws -> (cpu: ProcessOutput, lavapipe: ProcessOutput) {
        let cpu = try CLITests.run(arguments + ["--device", "cpu"])
        let lavapipe = try CLITests.run(arguments + ["--device", "llvmpipe", "--validation"])
        #expect(cpu.status == 0, "cpu: \(cpu.stderr)")
        #expect(lavapipe.status == 0, "llvmpipe: \(lavapipe.stderr)")
        #expect(!lavapipe.stderr.lowercased().contains("validation"), "\(lavapipe.stderr)")
        return (cpu, lavapipe)
    }

    @Test func generateOnLavapipeEqualsTheCPU() throws {
        guard let model = FetchedModels.path(Self.model), try Self.lavapipe() else { return }
        let (cpu, lavapipe) = try Self.onBothDevices(["generate", model, "-p", "The capital of France is", "-n", "4"])
        #expect(!cpu.stdout.isEmpty)
        #expect(lavapipe.stdout == cpu.stdout, "llvmpipe '\(lavapipe.stdout)' vs cpu '\(cpu.stdout)'")
        #expect(lavapipe.stderr.contains("generation: 4 tokens"), "\(lavapipe.stderr)")
    }

    @Test func chatOnLavapipeEqualsTheCPU() throws {
        guard let model = FetchedModels.path(Self.model), try Self.lavapipe() else { return }
        let (cpu, lavapipe) = try Self.onBothDevices(["chat", model, "-p", "What is the capital of France?", "-n", "4"])
        #expect(!cpu.stdout.isEmpty)
        #expect(lavapipe.stdout == cpu.stdout, "llvmpipe '\(lavapipe.stdout)' vs cpu '\(cpu.stdout)'")
    }

    /// Measured: max |difference| 2.4e-7 between the two devices' unit vectors, so 3e-6 (the bound
    /// ModelTests holds each device to against the float64 reference).
    @Test func embedOnLavapipeIsWithinABoundOfTheCPU() throws {
        guard let miniLM = FetchedModels.path("all-MiniLM-L6-v2"), try Self.lavapipe() else { return }
        let (cpu, lavapipe) = try Self.onBothDevices(["embed", miniLM, "A man is eating food.", "Hi"])
        let a = try #require(try JSONSerialization.jsonObject(with: Data(cpu.stdout.utf8)) as? [[Double]])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(lavapipe.stdout.utf8)) as? [[Double]])
        #expect(a.count == 2 && b.count == 2 && a.allSatisfy { $0.count == 384 } && b.allSatisfy { $0.count == 384 })
        let difference = zip(a.joined(), b.joined()).map { abs($0 - $1) }.max() ?? .nan
        let bound = 3e-6
        print("embed llvmpipe vs cpu: max |difference| \(difference), bound \(bound)")
        #expect(difference <= bound, "max |difference| \(difference) > bound \(bound)")
    }
}
