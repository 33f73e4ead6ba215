import Foundation
import Testing
@testable import Tokenizers

/// Paths to the committed fixtures and the fetched model files.
enum Fixtures {
    /// <repo>, found from this file's path.
    static let repositoryRoot: URL = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repositoryRoot.appending(path: "Tests/TokenizerTests/Fixtures")
    static func path(_ name: String) -> String { directory.appending(path: name).path }

    static var modelsDirectory: URL {
        if let custom = ProcessInfo.processInfo.environment["VULKANLM_MODELS"], !custom.isEmpty {
            return URL(filePath: custom)
        }
        return repositoryRoot.appending(path: ".cache/models")
    }

    /// The paths of fetched model files, or nil when one is missing.
    static func modelFiles(_ relatives: [String]) -> [String]? {
        let paths = relatives.map { modelsDirectory.appending(path: $0).path }
        return paths.allSatisfy { FileManager.default.fileExists(atPath: $0) } ? paths : nil
    }

    /// Says a test could not run for want of model files: a printed skip, or under CI=true a failure.
    static func reportMissing(_ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let reason = "\(modelsDirectory.appending(path: what).path) is missing; run scripts/fetch-models.sh"
        // The same test as TestSupport's TestVulkan.isCI (this target does not link TestSupport).
        if ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" {
            Issue.record(Comment(rawValue: reason), sourceLocation: sourceLocation)
        } else {
            print("skipped: \(reason)")
        }
    }

    /// A tokenizer loaded once from model files: nil when the files are missing (reported per test),
    /// the load error rethrown when they are present but fail to load.
    struct ModelTokenizer<T: Sendable>: Sendable {
        let what: String
        let loaded: Result<T, TokenizerError>?

        init(_ what: String, files: [String], load: ([String]) throws(TokenizerError) -> T) {
            self.what = what
            loaded = modelFiles(files).map { paths in Result { () throws(TokenizerError) -> T in try load(paths) } }
        }

        func get(sourceLocation: SourceLocation = #_sourceLocation) throws -> T? {
            guard let loaded else {
                reportMissing(what, sourceLocation: sourceLocation)
                return nil
            }
            return try loaded.get()
        }
    }

    /// Corpus lines, split on "\n" only (lines may contain \r, U+2028 and the like).
    static let corpusText: String = {
        let data = (try? Data(contentsOf: directory.appending(path: "corpus.txt"))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }()

    static let corpusLines: [String] = {
        // Split the scalars: as Characters, "\r\n" is one grapheme and would not split on "\n".
        var lines = corpusText.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }()

    /// One id list per line of a `.ids` file.
    static func ids(_ name: String) -> [[Int]] {
        let text = (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? ""
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.map { line in line.split(separator: " ").compactMap { Int($0) } }
    }

    /// The corpus line with its index, for readable failure messages.
    static func describe(_ index: Int) -> String {
        "corpus line \(index + 1): \(corpusLines[index].debugDescription.prefix(160))"
    }

    /// Every corpus line encodes to the ids the fixture script got from Hugging Face; the
    /// first ten differences are reported.
    static func checkCorpus(expected fixture: String, encode: (String) -> [Int],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = ids(fixture)
        #expect(expected.count == corpusLines.count, sourceLocation: sourceLocation)
        var failures = 0
        for (index, line) in corpusLines.enumerated() where index < expected.count {
            let ids = encode(line)
            if ids != expected[index] {
                failures += 1
                if failures <= 10 {
                    Issue.record("\(describe(index)): \(ids.firstDifference(from: expected[index]))", sourceLocation: sourceLocation)
                }
            }
        }
        #expect(failures == 0, "\(failures) corpus lines differ", sourceLocation: sourceLocation)
    }
}

extension Array where Element == Int {
    /// Where two id lists first differ, for failure messages.
    func firstDifference(from other: [Int]) -> String {
        let common = Swift.min(count, other.count)
        let index = (0..<common).first { self[$0] != other[$0] } ?? common
        return "first difference at \(index): got \(self[index...].prefix(8)) expected \(other[index...].prefix(8))"
    }
}
