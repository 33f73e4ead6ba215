import Foundation
import Testing
@testable import Tokenizers

/// GPT-2 byte-level BPE against ids written by Hugging Face `tokenizers`.
@Suite struct GPT2Tests {
    static let fromVocabAndMerges = Fixtures.ModelTokenizer("gpt2/", files: ["gpt2/vocab.json", "gpt2/merges.txt"]) {
        paths throws(TokenizerError) in try BPETokenizer(vocabJSON: paths[0], merges: paths[1])
    }

    /// Written by the fixture script with Tokenizer.save (merges as ["a", "b"] pairs).
    static let fromTokenizerJSON: BPETokenizer? = try? BPETokenizer(tokenizerJSON: Fixtures.path("gpt2-tokenizer.json"))

    static func checkCorpus(_ tokenizer: BPETokenizer) {
        Fixtures.checkCorpus(expected: "gpt2.ids", encode: tokenizer.encode)
    }

    @Test func loadsVocabAndMerges() throws {
        guard let tokenizer = try Self.fromVocabAndMerges.get() else { return }
        #expect(tokenizer.vocabularySize == 50257)
        #expect(tokenizer.encode("Hello world") == [15496, 995])
        #expect(tokenizer.encode("<|endoftext|>") == [50256])
    }

    @Test func corpusMatchesReferenceFromVocabAndMerges() throws {
        guard let tokenizer = try Self.fromVocabAndMerges.get() else { return }
        Self.checkCorpus(tokenizer)
    }

    @Test func corpusMatchesReferenceFromTokenizerJSON() throws {
        Self.checkCorpus(try #require(Self.fromTokenizerJSON))
    }

    @Test func wholeCorpusAsOneText() throws {
        let tokenizer = try #require(Self.fromTokenizerJSON)
        let expected = try #require(Fixtures.ids("gpt2-whole.ids").first)
        let ids = tokenizer.encode(Fixtures.corpusText)
        #expect(ids == expected, "\(ids.firstDifference(from: expected))")
    }

    @Test func decodeInvertsEncode() throws {
        let tokenizer = try #require(Self.fromTokenizerJSON)
        for (index, line) in Fixtures.corpusLines.enumerated() {
            let decoded = tokenizer.decode(tokenizer.encode(line))
            #expect(decoded == line, "\(Fixtures.describe(index))")
        }
        #expect(tokenizer.decode(tokenizer.encode(Fixtures.corpusText)) == Fixtures.corpusText)
    }

    @Test func skipsSpecialTokensOnRequest() throws {
        let tokenizer = try #require(Self.fromTokenizerJSON)
        let ids = tokenizer.encode("a<|endoftext|>b")
        #expect(ids.contains(50256))
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "ab")
        #expect(tokenizer.decode(ids) == "a<|endoftext|>b")
    }

    /// Raw bytes are decoded like Python's `bytes.decode("utf-8", errors="replace")`.
    @Test func invalidUTF8MatchesPythonReplacement() throws {
        let tokenizer = try #require(Self.fromTokenizerJSON)
        let text = try String(contentsOfFile: Fixtures.path("gpt2-invalid-utf8.tsv"), encoding: .utf8)
        let rows = text.split(separator: "\n")
        #expect(rows.count >= 20)
        for row in rows {
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
            let hex = Array(columns[0].utf8)
            let bytes = stride(from: 0, to: hex.count, by: 2).compactMap {
                UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)
            }
            let expected = columns[1].split(separator: " ").compactMap { Int($0) }
            #expect(tokenizer.encode(bytes: bytes) == expected, "bytes \(columns[0])")
        }
    }

    /// Older tokenizer.json files write merges as "a b" strings.
    @Test func readsMergesWrittenAsStrings() throws {
        let json = #"""
        {"added_tokens":[{"id":5,"content":"<|endoftext|>","special":true}],
         "normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false},
         "model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2,"Ġ":3,"Ġab":4},"merges":["a b","Ġ ab"]}}
        """#
        let path = FileManager.default.temporaryDirectory.appending(path: "bpe-string-merges-\(UUID()).json").path
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tokenizer = try BPETokenizer(tokenizerJSON: path)
        #expect(tokenizer.encode("ab ab<|endoftext|>ba") == [2, 4, 5, 1, 0])
        #expect(tokenizer.decode([2, 4, 5]) == "ab ab<|endoftext|>")
    }
}
