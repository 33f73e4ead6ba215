import Foundation
import Formats
import Testing
import TestSupport
@testable import Tokenizers

/// The GGUF tokenizer against llama.cpp's `llama-tokenize` on SmolLM2-135M-Instruct
/// (Fixtures/tokenize.jsonl; see Fixtures/README.md for how it was made).
enum LlamaFixtures {
    static let repositoryRoot: URL = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = repositoryRoot.appending(path: "Tests/LlamaTests/Fixtures")

    /// The fetched SmolLM2 GGUF.
    static let smolLM2Path = FetchedModels.directory + "/" + FetchedModels.smolLM2

    /// The tokenizer of the fetched SmolLM2 GGUF; nil (with a printed skip, or a failure under
    /// CI=true) when the file is missing.
    static func smolLM2Tokenizer(sourceLocation: SourceLocation = #_sourceLocation) throws -> BPETokenizer? {
        guard FetchedModels.path(FetchedModels.smolLM2, sourceLocation: sourceLocation) != nil else { return nil }
        return try loaded.get()
    }

    private static let loaded = Result { () throws -> BPETokenizer in
        try BPETokenizer(gguf: GGUFFile(path: smolLM2Path))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let line: Int
        let text: String
        let ids: [Int]
        let idsNoSpecial: [Int]
        var testDescription: String { "line \(line): \(text.debugDescription.prefix(60))" }
    }

    struct Meta: Sendable {
        let tokenizerModel: String
        let tokenizerPre: String
        let addBOS: Bool
        let bosTokenID: Int
        let eosTokenID: Int
    }

    static var lines: [[String: Any]] {
        let data = (try? Data(contentsOf: directory.appending(path: "tokenize.jsonl"))) ?? Data()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }

    static let lineCount = lines.count

    static let meta: Meta? = {
        guard let meta = lines.first?["meta"] as? [String: Any] else { return nil }
        return Meta(tokenizerModel: meta["tokenizer_model"] as? String ?? "",
                    tokenizerPre: meta["tokenizer_pre"] as? String ?? "",
                    addBOS: meta["add_bos"] as? Bool ?? true,
                    bosTokenID: meta["bos_token_id"] as? Int ?? -1,
                    eosTokenID: meta["eos_token_id"] as? Int ?? -1)
    }()

    static let cases: [Case] = lines.dropFirst().enumerated().compactMap { index, object in
        guard let text = object["text"] as? String, let ids = object["ids"] as? [Int],
              let idsNoSpecial = object["ids_no_special"] as? [Int] else { return nil }
        return Case(line: index + 2, text: text, ids: ids, idsNoSpecial: idsNoSpecial)
    }
}

@Suite struct GGUFTokenizerTests {
    @Test func fixtureIsComplete() throws {
        #expect(LlamaFixtures.meta != nil)
        #expect(LlamaFixtures.cases.count == LlamaFixtures.lineCount - 1)
        #expect(LlamaFixtures.cases.count >= 150)
    }

    @Test func metadataMatchesTheHeader() throws {
        guard let tokenizer = try LlamaFixtures.smolLM2Tokenizer() else { return }
        let meta = try #require(LlamaFixtures.meta, "the committed fixture has no meta line")
        #expect(meta.tokenizerModel == "gpt2")
        #expect(tokenizer.bosTokenID == meta.bosTokenID)
        #expect(tokenizer.eosTokenID == meta.eosTokenID)
        #expect(tokenizer.addsBOS == meta.addBOS)
    }

    /// `llama-tokenize` (parse-special on, its default).
    @Test(arguments: LlamaFixtures.cases)
    func idsMatchLlamaCpp(_ testCase: LlamaFixtures.Case) throws {
        guard let tokenizer = try LlamaFixtures.smolLM2Tokenizer() else { return }
        #expect(tokenizer.encode(testCase.text) == testCase.ids)
    }

    /// `llama-tokenize --no-parse-special`.
    @Test(arguments: LlamaFixtures.cases)
    func idsMatchLlamaCppWithoutParseSpecial(_ testCase: LlamaFixtures.Case) throws {
        guard let tokenizer = try LlamaFixtures.smolLM2Tokenizer() else { return }
        #expect(tokenizer.encode(testCase.text, addSpecial: true, parseSpecial: false) == testCase.idsNoSpecial)
    }

    @Test(arguments: LlamaFixtures.cases)
    func decodeInvertsEncode(_ testCase: LlamaFixtures.Case) throws {
        guard let tokenizer = try LlamaFixtures.smolLM2Tokenizer() else { return }
        #expect(tokenizer.decode(tokenizer.encode(testCase.text)) == testCase.text)
        #expect(tokenizer.decode(tokenizer.encode(testCase.text, addSpecial: false, parseSpecial: false)) == testCase.text)
    }

    @Test func unknownModelIsAClearErrorListingTheKnownOnes() throws {
        let path = try writeGGUF([
            ("tokenizer.ggml.model", .string("t5")),
            ("tokenizer.ggml.tokens", .strings(["<unk>", "a"])),
        ], name: "t5-model")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TokenizerError.unsupported(
            path: path, reason: "tokenizer.ggml.model is \"t5\"; known: gpt2 (byte-level BPE), llama (SentencePiece)")) {
            try GGUFTokenizer.load(gguf: GGUFFile(path: path))
        }
        // The BPE loader names what it found instead of misreading a SentencePiece vocabulary.
        let spm = try writeGGUF([
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .strings(["<unk>", "a"])),
        ], name: "llama-model")
        defer { try? FileManager.default.removeItem(atPath: spm) }
        #expect(throws: TokenizerError.unsupported(
            path: spm, reason: "tokenizer.ggml.model is \"llama\", not \"gpt2\" (byte-level BPE)")) {
            try BPETokenizer(gguf: GGUFFile(path: spm))
        }
        #expect(try GGUFTokenizer.load(gguf: GGUFFile(path: spm)) is SentencePieceTokenizer)
    }

    @Test func unsupportedPreTokenizerIsAClearError() throws {
        let path = try writeGGUF([
            ("tokenizer.ggml.model", .string("gpt2")),
            // llama.cpp refuses a pre-tokenizer it does not know (it has no "gpt2", only "gpt-2").
            ("tokenizer.ggml.pre", .string("gpt2")),
            ("tokenizer.ggml.tokens", .strings(["a"])),
            ("tokenizer.ggml.merges", .strings([])),
        ], name: "unknown-pre")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try GGUFFile(path: path)
        do {
            _ = try BPETokenizer(gguf: file)
            Issue.record("expected an error")
        } catch {
            guard case .unsupported(let errorPath, let reason) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(errorPath == path)
            #expect(reason.contains("\"gpt2\"") && reason.contains("gpt-2") && reason.contains("llama-bpe")
                && reason.contains("qwen2") && reason.contains("smollm") && reason.contains("default"))
        }
    }

    /// A SentencePiece vocabulary written out by hand: merges by score (highest first), byte
    /// fallback for a character with no token, `▁` for spaces, BOS from llama.cpp's default.
    @Test func syntheticSentencePiece() throws {
        let tokens = ["<unk>", "<s>", "</s>", "<0x41>", "<0xC3>", "<0xA9>", "▁", "a", "b", "ab", "▁ab", "<ctl>"]
        let path = try writeGGUF([
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.scores", .float32s([0, 0, 0, 0, 0, 0, -1, -2, -2, -3, -1, 0])),
            ("tokenizer.ggml.token_type", .int32s([2, 3, 3, 6, 6, 6, 1, 1, 1, 1, 1, 3])),
        ], name: "spm")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokenizer = try #require(try GGUFTokenizer.load(gguf: GGUFFile(path: path)) as? SentencePieceTokenizer)
        #expect(tokenizer.bosTokenID == 1 && tokenizer.eosTokenID == 2 && tokenizer.addsBOS && tokenizer.addsSpacePrefix)
        // " ab" (space prefix) → "▁ab" beats "▁" + "ab"; "A" and "é" have no token: their bytes.
        #expect(tokenizer.encode("ab") == [1, 10])
        #expect(tokenizer.encode("Aé", addSpecial: false, parseSpecial: true) == [6, 3, 4, 5])
        #expect(tokenizer.encode("<ctl>ab", addSpecial: false, parseSpecial: true) == [11, 10])
        #expect(tokenizer.decode([1, 10, 3, 4, 5]) == "<s> abAé")
        #expect(tokenizer.decode([10, 3]) == "abA")
    }

    @Test func badSentencePieceMetadataNamesTheKey() throws {
        let path = try writeGGUF([
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .strings(["<unk>", "a"])),
            ("tokenizer.ggml.scores", .strings(["x", "y"])),
        ], name: "spm-bad-scores")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: TokenizerError.invalidFile(
            path: path, reason: "tokenizer.ggml.scores must be an f32 or i32 array of at least 2 entries, one per token")) {
            try GGUFTokenizer.load(gguf: GGUFFile(path: path))
        }
        let badID = try writeGGUF([
            ("tokenizer.ggml.model", .string("llama")),
            ("tokenizer.ggml.tokens", .strings(["<unk>", "a"])),
            ("tokenizer.ggml.bos_token_id", .uint32(7)),
        ], name: "spm-bad-bos")
        defer { try? FileManager.default.removeItem(atPath: badID) }
        #expect(throws: TokenizerError.invalidFile(
            path: badID, reason: "tokenizer.ggml.bos_token_id = 7 is outside the vocabulary of 2 tokens")) {
            try GGUFTokenizer.load(gguf: GGUFFile(path: badID))
        }
    }

    /// A tiny synthetic vocabulary: specials, digits split, user-defined tokens always matched.
    @Test func syntheticVocabulary() throws {
        // Byte-level alphabet for the bytes used, plus merged tokens.
        let tokens = ["<|s|>", "<|s|>x", "a", "b", "ab", "Ġ", "1", "2", "Ġa", "<u>"]
        let path = try writeGGUF([
            ("tokenizer.ggml.model", .string("gpt2")),
            ("tokenizer.ggml.pre", .string("smollm")),
            ("tokenizer.ggml.tokens", .strings(tokens)),
            ("tokenizer.ggml.merges", .strings(["a b", "Ġ a"])),
            ("tokenizer.ggml.token_type", .int32s([3, 3, 1, 1, 1, 1, 1, 1, 1, 4])),
            ("tokenizer.ggml.bos_token_id", .uint32(0)),
            ("tokenizer.ggml.add_bos_token", .bool(true)),
        ], name: "synthetic")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokenizer = try BPETokenizer(gguf: GGUFFile(path: path))
        #expect(tokenizer.addsBOS && tokenizer.bosTokenID == 0 && tokenizer.eosTokenID == nil)
        #expect(tokenizer.encode("ab a12") == [0, 4, 8, 6, 7])
        // " 1": the space is not joined to the digit.
        #expect(tokenizer.encode(" 1", addSpecial: false, parseSpecial: true) == [5, 6])
        // Longest special first; user-defined tokens are matched even without parse-special.
        #expect(tokenizer.encode("<|s|>x<u>", addSpecial: false, parseSpecial: true) == [1, 9])
        #expect(tokenizer.decode([1, 9, 4]) == "<|s|>x<u>ab")
    }
}

// MARK: - A minimal GGUF writer (metadata only, no tensors)

enum TestValue {
    case string(String), strings([String]), int32s([Int32]), float32s([Float]), uint32(UInt32), bool(Bool)
}

func writeGGUF(_ entries: [(String, TestValue)], name: String) throws -> String {
    var bytes: [UInt8] = Array("GGUF".utf8)
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    func str(_ s: String) { u64(UInt64(s.utf8.count)); bytes.append(contentsOf: s.utf8) }
    u32(3)
    u64(0)
    u64(UInt64(entries.count))
    for (key, value) in entries {
        str(key)
        switch value {
        case .string(let s): u32(8); str(s)
        case .strings(let list): u32(9); u32(8); u64(UInt64(list.count)); list.forEach(str)
        case .int32s(let list): u32(9); u32(5); u64(UInt64(list.count)); list.forEach { u32(UInt32(bitPattern: $0)) }
        case .float32s(let list): u32(9); u32(6); u64(UInt64(list.count)); list.forEach { u32($0.bitPattern) }
        case .uint32(let v): u32(4); u32(v)
        case .bool(let v): u32(7); bytes.append(v ? 1 : 0)
        }
    }
    while bytes.count % 32 != 0 { bytes.append(0) }
    let path = FileManager.default.temporaryDirectory
        .appending(path: "vulkanlm-\(name)-\(UUID().uuidString).gguf").path
    try Data(bytes).write(to: URL(filePath: path))
    return path
}
