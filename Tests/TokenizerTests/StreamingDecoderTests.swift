import Testing
@testable import Tokenizers

@Suite struct StreamingDecoderTests {
    static let text = "混合テキスト：你好，世界！👨‍👩‍👧‍👦 🇫🇷 café 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 日本語の文章です。"

    /// Every piece the decoder returns is whole characters, and together they are the text.
    @Test func neverEmitsPartialCharacters() throws {
        let tokenizer = try #require(GPT2Tests.fromTokenizerJSON)
        let ids = tokenizer.encode(Self.text)
        // The text must really split characters across tokens for this test to mean anything.
        let splitsCharacters = ids.contains { String(validating: tokenizer.bytes(of: $0), as: UTF8.self) == nil }
        #expect(splitsCharacters)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var output = ""
        for id in ids {
            let piece = decoder.next(id)
            #expect(!piece.unicodeScalars.contains("\u{FFFD}"), "partial character emitted for id \(id)")
            output += piece
        }
        output += decoder.finish()
        #expect(output == Self.text)
    }

    @Test func streamedCorpusEqualsDecodedCorpus() throws {
        let tokenizer = try #require(GPT2Tests.fromTokenizerJSON)
        for line in Fixtures.corpusLines.suffix(1200) {
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            let ids = tokenizer.encode(line)
            let streamed = ids.map { decoder.next($0) }.joined() + decoder.finish()
            #expect(streamed == line)
        }
    }

    @Test func unfinishedCharacterBecomesReplacementOnFinish() throws {
        let tokenizer = try #require(GPT2Tests.fromTokenizerJSON)
        let ids = tokenizer.encode("😀")
        try #require(ids.count > 1)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        #expect(decoder.next(ids[0]).isEmpty)
        #expect(decoder.finish() == "\u{FFFD}")
        #expect(decoder.finish().isEmpty)
    }

    @Test func invalidBytesAreReleasedAtOnce() {
        #expect(StreamingDecoder.incompleteSuffixLength([0xF0, 0x9F]) == 2)
        #expect(StreamingDecoder.incompleteSuffixLength([0x41, 0xE2, 0x82]) == 2)
        #expect(StreamingDecoder.incompleteSuffixLength([0xE0, 0x80]) == 0)  // overlong: never valid
        #expect(StreamingDecoder.incompleteSuffixLength([0xED, 0xA0]) == 0)  // surrogate
        #expect(StreamingDecoder.incompleteSuffixLength([0xFF]) == 0)
        #expect(StreamingDecoder.incompleteSuffixLength([0xC3, 0xA9]) == 0)  // complete
    }
}
