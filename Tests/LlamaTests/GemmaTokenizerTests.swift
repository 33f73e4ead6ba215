import Foundation
import Formats
import Testing
import TestSupport
@testable import Tokenizers

/// Gemma 3's SentencePiece tokenizer against llama.cpp's `llama-tokenize` on the same file
/// (Fixtures/tokenize-gemma3.jsonl, made by scripts/make-tokenizer-references.py).
@Suite struct GemmaTokenizerTests {
    static let gemma3 = "gemma3/gemma-3-270m-q4_k_m.gguf"

    static func tokenizer(sourceLocation: SourceLocation = #_sourceLocation) throws -> SentencePieceTokenizer? {
        guard FetchedModels.path(gemma3, sourceLocation: sourceLocation) != nil else { return nil }
        return try loaded.get()
    }

    /// Loaded from metadata alone, as `vulkanlm tokenize` does.
    private static let loaded = Result { () throws -> SentencePieceTokenizer in
        let tokenizer = try GGUFTokenizer.load(path: FetchedModels.directory + "/" + gemma3)
        guard let sentencePiece = tokenizer as? SentencePieceTokenizer else {
            throw TokenizerError.unsupported(path: gemma3, reason: "loaded as \(type(of: tokenizer))")
        }
        return sentencePiece
    }

    @Test func fixtureCoversTheCorpus() throws {
        let fixture = try LlamaTokenizeFixture("tokenize-gemma3.jsonl")
        #expect(fixture.cases.count >= 200)
        #expect(fixture.meta["model"] as? String == "gemma-3-270m-q4_k_m.gguf")
        #expect(fixture.meta["model_sha256"] as? String == "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818")
    }

    @Test func metadataAsTheFileStatesIt() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        #expect(tokenizer.vocabularySize == 262_144)
        #expect(tokenizer.bosTokenID == 2 && tokenizer.eosTokenID == 1 && tokenizer.unknownTokenID == 3)
        #expect(tokenizer.addsBOS && !tokenizer.addsEOS && !tokenizer.addsSpacePrefix)
        #expect(tokenizer.id(of: "<start_of_turn>") == 105 && tokenizer.id(of: "<end_of_turn>") == 106)
    }

    /// The must-show check: every text, parse-special on and off, id for id.
    @Test func idsIdenticalToLlamaTokenize() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        let fixture = try LlamaTokenizeFixture("tokenize-gemma3.jsonl")
        let result = fixture.check(tokenizer, label: "Gemma 3 SentencePiece")
        #expect(result.special == result.total && result.noSpecial == result.total)
    }

    /// Decoding gives the text back (byte fallback included), after the BOS the encoder adds.
    /// Not for text holding `▁` itself: it is SentencePiece's space, and decodes as one (in
    /// llama.cpp too).
    @Test func decodeInvertsEncode() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        for testCase in try LlamaTokenizeFixture("tokenize-gemma3.jsonl").cases where !testCase.text.contains("\u{2581}") {
            #expect(tokenizer.decode(tokenizer.encode(testCase.text, addSpecial: false, parseSpecial: false)) == testCase.text,
                    "line \(testCase.line)")
            #expect(tokenizer.decode(testCase.ids) == "<bos>" + testCase.text, "line \(testCase.line)")
        }
    }

    /// Streaming one id at a time gives the same text as decoding all at once: byte tokens of a
    /// character split across ids are held back until the character is whole.
    @Test func streamingDecodeMatchesWholeDecode() throws {
        guard let tokenizer = try Self.tokenizer() else { return }
        for testCase in try LlamaTokenizeFixture("tokenize-gemma3.jsonl").cases {
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            var text = ""
            for id in testCase.ids { text += decoder.next(id) }
            text += decoder.finish()
            #expect(text == tokenizer.decode(testCase.ids), "line \(testCase.line)")
        }
    }
}

/// SentencePiece options Gemma 3's file leaves off, on its vocabulary with metadata changed in
/// memory, against `llama-tokenize` on a tokenizer-only GGUF with the same change
/// (Fixtures/tokenize-spm-<variant>.jsonl): `add_space_prefix` at llama.cpp's default (true, as in
/// Llama 2 and Mistral files), and a Phi-3 `general.name`, for which llama.cpp strips the
/// whitespace after special tokens.
@Suite struct SentencePieceVariantTests {
    static let variants: [String: [String: GGUFValue?]] = [
        "space-prefix": ["tokenizer.ggml.add_space_prefix": nil],
        "phi3-name": ["tokenizer.ggml.add_space_prefix": nil, "general.name": .string("Phi-3-mini-4k-instruct")],
    ]

    /// Tokens the fixture's GGUF appends (llama.cpp will not load a Phi-3-named vocabulary
    /// without `<|endoftext|>`), appended here the same way: control type, score 0.
    static let appendedTokens = ["phi3-name": ["<|endoftext|>"]]

    @Test(arguments: ["space-prefix", "phi3-name"])
    func idsIdenticalToLlamaTokenize(variant: String) throws {
        let fixture = try LlamaTokenizeFixture("tokenize-spm-\(variant).jsonl")
        #expect(fixture.meta["variant"] as? String == variant)
        #expect(fixture.cases.count >= 80)
        guard FetchedModels.path(GemmaTokenizerTests.gemma3) != nil else { return }
        var metadata = try GGUFMetadataFile(path: FetchedModels.directory + "/" + GemmaTokenizerTests.gemma3).metadata
        for (key, value) in Self.variants[variant] ?? [:] { metadata[key] = value }
        for token in Self.appendedTokens[variant] ?? [] {
            func append(_ key: String, _ value: GGUFValue) {
                if case .array(let type, let values) = metadata[key] { metadata[key] = .array(elementType: type, values + [value]) }
            }
            append("tokenizer.ggml.tokens", .string(token))
            append("tokenizer.ggml.scores", .float32(0))
            append("tokenizer.ggml.token_type", .int32(3))
        }
        let tokenizer = try #require(try GGUFTokenizer.load(metadata: metadata, path: "Gemma 3 (\(variant))") as? SentencePieceTokenizer)
        #expect(tokenizer.addsSpacePrefix)
        let result = fixture.check(tokenizer, label: "SentencePiece \(variant)")
        #expect(result.special == result.total && result.noSpecial == result.total)
    }
}
