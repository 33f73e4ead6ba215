import CPUBackend
import Compute
import Formats
import Models
import Synchronization
import Testing
import TestSupport

/// `LlamaModel.Options.progress`: every tensor's bytes counted once, never going back, ending at
/// the file's total once the weights are in place (on lavapipe: after the uploads have run).
@Suite struct LoadProgressTests {
    static func reports(path: String, backend: any Backend) throws -> (reports: [(Int, Int)], total: Int, tensors: Int) {
        let file = try GGUFFile(path: path)
        let seen = Mutex<[(Int, Int)]>([])
        _ = try LlamaModel(gguf: file, backend: backend, options: .init(contextLength: 32, progress: { done, total in
            seen.withLock { $0.append((done, total)) }
        }))
        return (seen.withLock { $0 }, file.tensors.reduce(0) { $0 + $1.byteCount }, file.tensors.count)
    }

    static func check(_ result: (reports: [(Int, Int)], total: Int, tensors: Int)) {
        let (reports, total, tensors) = result
        #expect(reports.count >= tensors, "\(reports.count) reports for \(tensors) tensors")
        #expect(reports.allSatisfy { $0.1 == total && $0.0 >= 0 && $0.0 <= total })
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.0 <= $1.0 }, "progress went back")
        #expect(reports.last.map { $0 == (total, total) } == true)
        #expect(reports.dropLast().allSatisfy { $0.0 < total }, "reported done before the end")
    }

    @Test func cpuReportsEveryTensorOnce() throws {
        guard let path = FetchedModels.path("random-archs/phi3-q4_k_m.gguf") else { return }
        Self.check(try Self.reports(path: path, backend: CPUBackend()))
    }

    @Test(.noValidationMessages) func lavapipeReportsEveryTensorOnce() throws {
        guard let path = FetchedModels.path("random-archs/gemma3-q4_k_m.gguf"), let vulkan = try TestVulkan.stagingBackend() else { return }
        Self.check(try Self.reports(path: path, backend: vulkan))
    }
}
