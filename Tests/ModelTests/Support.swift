import Compute
import CPUBackend
import Foundation
import Testing
import TestSupport

/// The repository checkout this file lives in (Tests/ModelTests/Support.swift → two levels up).
let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

let fixtures = repositoryRoot + "/Tests/ModelTests/Fixtures"

enum MiniLM {
    static let folder = repositoryRoot + "/.cache/models/all-MiniLM-L6-v2"

    /// The model folder, nil (with the reason printed) where it is absent; in CI absence fails.
    static func available() throws -> String? {
        if FileManager.default.fileExists(atPath: folder + "/model.safetensors") { return folder }
        let reason = "all-MiniLM-L6-v2 not found at \(folder); run scripts/fetch-models.sh"
        if TestVulkan.isCI { throw TestVulkan.Unavailable.reason(reason) }
        print("skipping MiniLM tests: \(reason)")
        return nil
    }
}

/// `Fixtures/minilm-embeddings.json`, written by scripts/bert_reference.py (float64 numpy).
struct MiniLMReference: Decodable {
    struct Sentence: Decodable {
        let text: String
        let ids: [Int]
        let embedding: [Float]
    }

    let maxLength: Int
    let sentences: [Sentence]

    static func load() throws -> MiniLMReference {
        try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/minilm-embeddings.json")))
    }

    func sentence(_ text: String) throws -> Sentence {
        try #require(sentences.first { $0.text == text }, "no reference for '\(text)'")
    }
}

/// `Fixtures/random-heads.json`: head logits of the random checkpoints in Fixtures/.
struct HeadReference: Decodable {
    struct Case: Decodable {
        let ids: [Int]
        let logits: [Float]
        let shape: [Int]
    }

    static func load() throws -> [String: [Case]] {
        try JSONDecoder().decode([String: [Case]].self,
                                 from: Data(contentsOf: URL(fileURLWithPath: fixtures + "/random-heads.json")))
    }
}

func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// The CPU backend, plus the Vulkan test device (lavapipe) where there is one.
func modelBackends() throws -> [any Backend] {
    var backends: [any Backend] = [CPUBackend()]
    if let vulkan = try TestVulkan.backend() { backends.append(vulkan) }
    return backends
}

/// A fresh directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("model-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A copy of a fixture folder inside this directory.
    func copy(fixture name: String) throws -> String {
        let target = path + "/" + name
        try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: target)
        return target
    }
}
