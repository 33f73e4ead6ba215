import Foundation
import Testing
@testable import Tokenizers

/// Missing or damaged files throw a `TokenizerError` naming the file; nothing traps.
@Suite struct FileErrorTests {
    /// A scratch file with the given content, removed by the caller.
    func scratch(_ name: String, _ content: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "\(UUID())-\(name)").path
        try content.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func expectError(naming path: String, _ load: () throws -> Void) {
        do {
            try load()
            Issue.record("expected an error for \(path)")
        } catch let error as TokenizerError {
            #expect(error.path == path)
            #expect(error.description.contains(path))
        } catch {
            Issue.record("unexpected error type: \(error)")
        }
    }

    @Test func missingFiles() throws {
        let merges = try scratch("merges.txt", "#version: 0.2\na b\n")
        defer { try? FileManager.default.removeItem(atPath: merges) }
        expectError(naming: "/nonexistent/vocab.json") { _ = try BPETokenizer(vocabJSON: "/nonexistent/vocab.json", merges: merges) }
        expectError(naming: "/nonexistent/tokenizer.json") { _ = try BPETokenizer(tokenizerJSON: "/nonexistent/tokenizer.json") }
        expectError(naming: "/nonexistent/vocab.txt") { _ = try WordPieceTokenizer(vocabTXT: "/nonexistent/vocab.txt") }
        expectError(naming: "/nonexistent/tokenizer.json") { _ = try WordPieceTokenizer(tokenizerJSON: "/nonexistent/tokenizer.json") }
        do {
            _ = try WordPieceTokenizer(vocabTXT: "/nonexistent/vocab.txt")
        } catch {
            #expect(error == .fileNotFound(path: "/nonexistent/vocab.txt"))
        }
    }

    @Test func corruptBPEFiles() throws {
        let vocab = try scratch("vocab.json", #"{"a": 0, "b": 1, "ab": 2}"#)
        let badVocab = try scratch("vocab.json", #"{"a": 0, "b": "#)
        let badMerges = try scratch("merges.txt", "#version: 0.2\na b c\n")
        let unknownMerge = try scratch("merges.txt", "a x\n")
        let notJSON = try scratch("tokenizer.json", "\u{1}binary garbage")
        let wrongModel = try scratch("tokenizer.json", #"{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}"#)
        let noMerges = try scratch("tokenizer.json", #"{"model": {"type": "BPE", "vocab": {"a": 0}}}"#)
        defer { for path in [vocab, badVocab, badMerges, unknownMerge, notJSON, wrongModel, noMerges] { try? FileManager.default.removeItem(atPath: path) } }

        expectError(naming: badVocab) { _ = try BPETokenizer(vocabJSON: badVocab, merges: badMerges) }
        expectError(naming: badMerges) { _ = try BPETokenizer(vocabJSON: vocab, merges: badMerges) }
        expectError(naming: unknownMerge) { _ = try BPETokenizer(vocabJSON: vocab, merges: unknownMerge) }
        expectError(naming: notJSON) { _ = try BPETokenizer(tokenizerJSON: notJSON) }
        expectError(naming: wrongModel) { _ = try BPETokenizer(tokenizerJSON: wrongModel) }
        expectError(naming: noMerges) { _ = try BPETokenizer(tokenizerJSON: noMerges) }
    }

    @Test func corruptWordPieceFiles() throws {
        let empty = try scratch("vocab.txt", "")
        let noSpecials = try scratch("vocab.txt", "hello\nworld\n")
        let vocab = try scratch("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n")
        let badConfig = try scratch("tokenizer_config.json", #"{"do_lower_case": "yes"}"#)
        let bpeJSON = try scratch("tokenizer.json", #"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}"#)
        defer { for path in [empty, noSpecials, vocab, badConfig, bpeJSON] { try? FileManager.default.removeItem(atPath: path) } }

        expectError(naming: empty) { _ = try WordPieceTokenizer(vocabTXT: empty) }
        expectError(naming: noSpecials) { _ = try WordPieceTokenizer(vocabTXT: noSpecials) }
        expectError(naming: badConfig) { _ = try WordPieceTokenizer(vocabTXT: vocab, config: badConfig) }
        expectError(naming: bpeJSON) { _ = try WordPieceTokenizer(tokenizerJSON: bpeJSON) }
        let tiny = try WordPieceTokenizer(vocabTXT: vocab)
        #expect(tiny.encode("Hello, HELLO") == [2, 4, 1, 4, 3])
    }
}
