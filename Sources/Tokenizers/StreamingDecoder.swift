/// Decodes ids one at a time, as they are generated, returning only whole characters.
///
/// A multi-byte UTF-8 character is often split across tokens (most CJK characters and emoji are).
/// The decoder holds back the bytes of a character that is still incomplete and releases it
/// once the rest arrives. Bytes that can never become valid UTF-8 are released at once as U+FFFD
/// (one per maximal invalid subpart, like `String(decoding:as:)` and Python's `errors="replace"`).
/// `finish()` releases whatever is still held back, an unfinished character becoming U+FFFD.
/// The concatenation of every `next` and `finish` result is the ids' bytes as text: `decode(ids)`,
/// except that a SentencePiece decode also drops the space `add_space_prefix` put first.
public struct StreamingDecoder: Sendable {
    private let tokenizer: any LanguageModelTokenizer
    private var pending: [UInt8] = []

    public init(tokenizer: any LanguageModelTokenizer) {
        self.tokenizer = tokenizer
    }

    /// The text that `id` completes; empty while a character is still incomplete.
    public mutating func next(_ id: Int) -> String {
        pending.append(contentsOf: tokenizer.bytes(of: id))
        let keep = Self.incompleteSuffixLength(pending)
        let ready = pending[..<(pending.count - keep)]
        let text = String(decoding: ready, as: UTF8.self)
        pending.removeFirst(ready.count)
        return text
    }

    /// Releases the held-back bytes (an unfinished character becomes U+FFFD) and starts afresh.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// How many trailing bytes form the valid beginning of a character still missing bytes.
    static func incompleteSuffixLength(_ bytes: [UInt8]) -> Int {
        // A character is at most 4 bytes, so a lead byte is at most 3 from the end.
        for back in 1...3 where back <= bytes.count {
            let lead = bytes[bytes.count - back]
            if lead & 0xC0 == 0x80 { continue }  // continuation byte: look further back
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return 0
            }
            guard back < length else { return 0 }  // complete (or too long: invalid anyway)
            if back >= 2 {
                // The second byte's allowed range depends on the lead (no overlongs, no surrogates,
                // nothing past U+10FFFF); later bytes just need to be continuation bytes, as checked.
                let second = bytes[bytes.count - back + 1]
                let allowed: ClosedRange<UInt8>
                switch lead {
                case 0xE0: allowed = 0xA0...0xBF
                case 0xED: allowed = 0x80...0x9F
                case 0xF0: allowed = 0x90...0xBF
                case 0xF4: allowed = 0x80...0x8F
                default: allowed = 0x80...0xBF
                }
                guard allowed.contains(second) else { return 0 }
            }
            return back
        }
        return 0
    }
}
