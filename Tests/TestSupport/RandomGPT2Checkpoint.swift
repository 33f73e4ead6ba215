import Foundation

/// GPT-2 model folders with random weights, written by `scripts/make-random-checkpoints.py`
/// into a temporary directory (removed on deinit). Needs python3 with numpy: with `CI=true` its
/// absence is a failure, elsewhere `make` returns nil and the caller skips.
public final class RandomGPT2Checkpoint: Sendable {
    /// The `gpt2/` model folder.
    public let path: String
    private let directory: String

    public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The real GPT-2 vocab.json/merges.txt (scripts/fetch-models.sh), when fetched.
    public static var tokenizerFolder: String? {
        let gpt2 = FetchedModels.directory + "/gpt2"
        return FileManager.default.fileExists(atPath: gpt2 + "/vocab.json") ? gpt2 : nil
    }

    public static let pythonWithNumpy: Bool = (try? Subprocess.run(["python3", "-c", "import numpy"]).status) == 0

    public enum Unavailable: Error, CustomStringConvertible {
        case reason(String)
        public var description: String { if case let .reason(text) = self { text } else { "" } }
    }

    /// `dims`: "vocab_size,n_positions,n_embd,n_layer,n_head". With `tokenizer`, the real GPT-2
    /// tokenizer files are copied in (nil, or a failure in CI, when they have not been fetched).
    public static func make(seed: Int, dims: String, f16: Bool, tokenizer: Bool = false) throws -> RandomGPT2Checkpoint? {
        guard pythonWithNumpy else { return try unavailable("python3 with numpy not found") }
        var extra: [String] = f16 ? ["--f16"] : []
        if tokenizer {
            guard let folder = tokenizerFolder else { return try unavailable("GPT-2 tokenizer files not fetched (scripts/fetch-models.sh)") }
            extra += ["--tokenizer", folder]
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gpt2-\(UUID().uuidString)").path
        let result = try Subprocess.run(["python3", repositoryRoot + "/scripts/make-random-checkpoints.py", directory,
                              "--seed", String(seed), "--only", "gpt2", "--gpt2-dims", dims] + extra)
        guard result.status == 0 else {
            throw Unavailable.reason("make-random-checkpoints.py exited with \(result.status): \(result.stderr)")
        }
        return RandomGPT2Checkpoint(directory: directory)
    }

    private init(directory: String) {
        self.directory = directory
        path = directory + "/gpt2"
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    private static func unavailable(_ reason: String) throws -> RandomGPT2Checkpoint? {
        if TestVulkan.isCI { throw Unavailable.reason(reason) }
        print("skipping: \(reason)")
        return nil
    }
}
