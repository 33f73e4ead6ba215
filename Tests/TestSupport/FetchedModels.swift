import Foundation
import Testing

/// Files that scripts/fetch-models.sh puts under `.cache/models` (or `$VULKANLM_MODELS`).
public enum FetchedModels {
    public static let smolLM2 = "smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

    public static var directory: String {
        if let custom = ProcessInfo.processInfo.environment["VULKANLM_MODELS"], !custom.isEmpty { return custom }
        return RandomGPT2Checkpoint.repositoryRoot + "/.cache/models"
    }

    /// The path of `relative` under `directory`, or nil when it has not been fetched: a recorded
    /// failure under CI=true (CI fetches everything), a printed skip elsewhere.
    public static func path(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let path = directory + "/" + relative
        guard FileManager.default.fileExists(atPath: path) else {
            let reason = "\(path) is missing; run scripts/fetch-models.sh"
            if TestVulkan.isCI {
                Issue.record(Comment(rawValue: reason), sourceLocation: sourceLocation)
            } else {
                print("skipped: \(reason)")
            }
            return nil
        }
        return path
    }
}
