import Testing
@testable import Tokenizers

/// BERT WordPiece (all-MiniLM-L6-v2) against ids written by Hugging Face `tokenizers`.
@Suite struct WordPieceTests {
    static let fromVocabTXT = Fixtures.ModelTokenizer(
        "all-MiniLM-L6-v2/", files: ["all-MiniLM-L6-v2/vocab.txt", "all-MiniLM-L6-v2/tokenizer_config.json"]
    ) { paths throws(TokenizerError) in try WordPieceTokenizer(vocabTXT: paths[0], config: paths[1]) }

    static let fromTokenizerJSON = Fixtures.ModelTokenizer(
        "all-MiniLM-L6-v2/tokenizer.json", files: ["all-MiniLM-L6-v2/tokenizer.json"]
    ) { paths throws(TokenizerError) in try WordPieceTokenizer(tokenizerJSON: paths[0]) }

    static func checkCorpus(_ tokenizer: WordPieceTokenizer) {
        Fixtures.checkCorpus(expected: "bert.ids", encode: tokenizer.encode)
    }

    @Test func corpusMatchesReferenceFromVocabTXT() throws {
        guard let tokenizer = try Self.fromVocabTXT.get() else { return }
        Self.checkCorpus(tokenizer)
    }

    @Test func corpusMatchesReferenceFromTokenizerJSON() throws {
        guard let tokenizer = try Self.fromTokenizerJSON.get() else { return }
        Self.checkCorpus(tokenizer)
    }

    @Test func readsConfig() throws {
        guard let tokenizer = try Self.fromVocabTXT.get() else { return }
        #expect(tokenizer.vocabularySize == 30522)
        #expect(tokenizer.modelMaxLength == 512)
        #expect((tokenizer.classifierTokenID, tokenizer.separatorTokenID, tokenizer.paddingTokenID, tokenizer.unknownTokenID) == (101, 102, 0, 100))
    }

    @Test func longWordsAreUnknown() throws {
        guard let tokenizer = try Self.fromTokenizerJSON.get() else { return }
        #expect(tokenizer.encode(String(repeating: "a", count: 101)) == [101, 100, 102])
        #expect(tokenizer.encode(String(repeating: "a", count: 100)) != [101, 100, 102])
    }

    @Test func truncationKeepsClassifierAndSeparator() throws {
        guard let tokenizer = try Self.fromTokenizerJSON.get() else { return }
        let text = "the quick brown fox jumps over the lazy dog"
        let full = tokenizer.encode(text)
        #expect(full.count == 11)
        let cut = tokenizer.encode(text, maxLength: 5)
        #expect(cut == [101] + full[1..<4] + [102])
        #expect(tokenizer.encode(text, maxLength: 64) == full)
        #expect(tokenizer.encode(text, maxLength: 0) == [101, 102])
    }

    @Test func batchPadsToLongestWithMask() throws {
        guard let tokenizer = try Self.fromTokenizerJSON.get() else { return }
        let texts = ["hello", "hello world, how are you?", ""]
        let batch = tokenizer.encodeBatch(texts)
        let lengths = texts.map { tokenizer.encode($0).count }
        let longest = lengths.max() ?? 0
        for (row, length) in lengths.enumerated() {
            #expect(batch.ids[row].count == longest)
            #expect(Array(batch.ids[row].prefix(length)) == tokenizer.encode(texts[row]))
            #expect(batch.ids[row].dropFirst(length).allSatisfy { $0 == tokenizer.paddingTokenID })
            #expect(batch.attentionMask[row] == Array(repeating: 1, count: length) + Array(repeating: 0, count: longest - length))
        }
        let truncated = tokenizer.encodeBatch(texts, maxLength: 4)
        #expect(truncated.ids.map(\.count) == [4, 4, 4])
        #expect(truncated.attentionMask[2] == [1, 1, 0, 0])
        #expect(truncated.ids[1].last == tokenizer.separatorTokenID)
    }

    @Test func decodeJoinsPieces() throws {
        guard let tokenizer = try Self.fromTokenizerJSON.get() else { return }
        let ids = tokenizer.encode("Tokenization isn't hard, is it?")
        #expect(tokenizer.decode(ids) == "tokenization isn't hard, is it?")
        #expect(tokenizer.decode(ids, skipSpecialTokens: false).hasPrefix("[CLS] token"))
    }

    @Test func specialTokensInTextAreMatched() throws {
        guard let tokenizer = try Self.fromTokenizerJSON.get() else { return }
        #expect(tokenizer.encode("x[MASK]y") == [101, tokenizer.id(of: "x"), 103, tokenizer.id(of: "y"), 102])
    }
}
