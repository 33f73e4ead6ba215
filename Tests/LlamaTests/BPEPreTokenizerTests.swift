import Foundation
import Formats
import Testing
import TestSupport
@testable import Tokenizers

/// llama.cpp's byte-level BPE pre-tokenizers, each on SmolLM2's vocabulary and merges with
/// `tokenizer.ggml.pre` changed in memory, against `llama-tokenize` on a tokenizer-only GGUF with
/// the same change (Fixtures/tokenize-bpe-<pre>.jsonl, scripts/make-tokenizer-references.py).
@Suite struct BPEPreTokenizerTests {
    /// SmolLM2's metadata with `tokenizer.ggml.pre` set to `pre` ("default": the key removed,
    /// as the fixture's GGUF has it).
    static func tokenizer(pre: String) throws -> BPETokenizer? {
        guard FetchedModels.path(FetchedModels.smolLM2) != nil else { return nil }
        var metadata = try GGUFMetadataFile(path: LlamaFixtures.smolLM2Path).metadata
        metadata["tokenizer.ggml.pre"] = pre == "default" ? nil : .string(pre)
        let tokenizer = try GGUFTokenizer.load(metadata: metadata, path: "SmolLM2 with tokenizer.ggml.pre = \(pre)")
        return tokenizer as? BPETokenizer
    }

    @Test(arguments: ["llama-bpe", "qwen2", "gpt-2", "default"])
    func idsIdenticalToLlamaTokenize(pre: String) throws {
        let fixture = try LlamaTokenizeFixture("tokenize-bpe-\(pre).jsonl")
        #expect(fixture.meta["pre"] as? String == pre)
        #expect(fixture.cases.count >= 200)
        guard let tokenizer = try Self.tokenizer(pre: pre) else { return }
        let result = fixture.check(tokenizer, label: "BPE pre-tokenizer \(pre)")
        #expect(result.special == result.total && result.noSpecial == result.total)
    }

    /// The pre-tokenizers' pieces on texts where the regexes differ, written out from the
    /// regexes in llama.cpp's llama-vocab.cpp (the fixtures above check the resulting ids).
    @Test func piecesFollowEachRegex() {
        func pieces(_ pre: BPEPreTokenizer, _ text: String) -> [String] { pre.split(text).map { String($0) } }
        // Llama 3: digits in threes, a letter run takes one leading non-letter, newlines stay
        // with the whitespace before them, contractions are case-insensitive.
        #expect(pieces(.llama3, "1234567 (hi) I'M\n\n  x") == ["123", "456", "7", " (", "hi", ")", " I", "'M", "\n\n", " ", " x"])
        #expect(pieces(.qwen2, "2024 ok") == ["2", "0", "2", "4", " ok"])
        #expect(pieces(.gpt2, "I'M 2024") == ["I", "'", "M", " 2024"])
        #expect(pieces(.default, "a+b=12345, x") == ["a", "+", "b", "=", "123", "45", ",", " x"])
    }
}
