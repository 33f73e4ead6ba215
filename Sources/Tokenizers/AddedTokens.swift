/// Tokens matched verbatim in the raw text before any other processing, such as
/// `<|endoftext|>` or `[CLS]`: Hugging Face's "added tokens" (leftmost match, longest at a position).
///
/// Simplification: `lstrip`, `rstrip`, `single_word` and `normalized` flags are not applied;
/// every added token is matched on the raw text (the GPT-2 and BERT files use none of them).
struct AddedTokens: Sendable {
    struct Token: Sendable {
        let content: [UInt8]
        let id: Int
        let isSpecial: Bool
    }

    enum Piece {
        case text(String)
        case token(Int)
    }

    private(set) var tokens: [Token] = []
    /// First bytes of the tokens, to skip positions that cannot start a match.
    private var firstBytes = [Bool](repeating: false, count: 256)
    /// `tokens` longest first, ties by id: llama.cpp's matching order.
    private var byLengthDescending: [Token] = []

    init(_ tokens: [(content: String, id: Int, isSpecial: Bool)]) {
        for token in tokens where !token.content.isEmpty {
            let bytes = Array(token.content.utf8)
            self.tokens.append(Token(content: bytes, id: token.id, isSpecial: token.isSpecial))
            firstBytes[Int(bytes[0])] = true
        }
        byLengthDescending = self.tokens.sorted { a, b in
            a.content.count != b.content.count ? a.content.count > b.content.count : a.id < b.id
        }
    }

    var isEmpty: Bool { tokens.isEmpty }

    func id(of content: String) -> Int? {
        let bytes = Array(content.utf8)
        return tokens.first { $0.content == bytes }?.id
    }

    func token(withID id: Int) -> Token? {
        tokens.first { $0.id == id }
    }

    /// The text cut around every added token. A match always starts and ends on a scalar
    /// boundary, since a token is itself valid UTF-8.
    func split(_ text: String, includeSpecial: Bool = true) -> [Piece] {
        if tokens.isEmpty { return [.text(text)] }
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var textStart = 0
        var position = 0
        while position < bytes.count {
            guard firstBytes[Int(bytes[position])], let match = longestMatch(in: bytes, at: position, includeSpecial: includeSpecial) else {
                position += 1
                continue
            }
            if textStart < position {
                pieces.append(.text(String(decoding: bytes[textStart..<position], as: UTF8.self)))
            }
            pieces.append(.token(match.id))
            position += match.content.count
            textStart = position
        }
        if textStart < bytes.count {
            pieces.append(.text(String(decoding: bytes[textStart...], as: UTF8.self)))
        }
        return pieces
    }

    /// llama.cpp's `tokenizer_st_partition`: the tokens are taken longest first (ties by id), and
    /// each one cuts every occurrence out of the text parts still left, left to right. Differs
    /// from `split` only when tokens overlap in the text. `includeSpecial: false` matches only
    /// tokens not marked special (llama.cpp's `parse_special = false`: user-defined tokens only).
    ///
    /// `rightStripping`: tokens after which the whitespace that follows is dropped (llama.cpp's
    /// RSTRIP attribute), as the cut is made, so that no shorter token matches in it later.
    func splitLongestFirst(_ text: String, includeSpecial: Bool, rightStripping: Set<Int> = []) -> [Piece] {
        enum Part { case text(Range<Int>), token(Int) }
        let bytes = Array(text.utf8)
        var parts: [Part] = [.text(0..<bytes.count)]
        for token in byLengthDescending where includeSpecial || !token.isSpecial {
            var next: [Part] = []
            next.reserveCapacity(parts.count)
            for part in parts {
                guard case .text(let range) = part else { next.append(part); continue }
                var position = range.lowerBound
                while let match = find(token.content, in: bytes, from: position, before: range.upperBound) {
                    if match > position { next.append(.text(position..<match)) }
                    next.append(.token(token.id))
                    position = match + token.content.count
                    if rightStripping.contains(token.id) {
                        // C isspace: space, \t, \n, \v, \f, \r.
                        while position < range.upperBound, bytes[position] == 0x20 || (0x09...0x0D).contains(bytes[position]) {
                            position += 1
                        }
                    }
                }
                if position < range.upperBound { next.append(.text(position..<range.upperBound)) }
            }
            parts = next
        }
        return parts.map { part in
            switch part {
            case .token(let id): .token(id)
            case .text(let range): .text(String(decoding: bytes[range], as: UTF8.self))
            }
        }
    }


    /// Start of the first occurrence of `needle` lying wholly in `from..<before`.
    private func find(_ needle: [UInt8], in bytes: [UInt8], from: Int, before end: Int) -> Int? {
        guard !needle.isEmpty, end - from >= needle.count else { return nil }
        let first = needle[0]
        var index = from
        while index + needle.count <= end {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private func longestMatch(in bytes: [UInt8], at position: Int, includeSpecial: Bool) -> Token? {
        var best: Token?
        for token in tokens where token.content.count > (best?.content.count ?? 0)
            && (includeSpecial || !token.isSpecial) {
            let end = position + token.content.count
            if end <= bytes.count, bytes[position..<end].elementsEqual(token.content) {
                best = token
            }
        }
        return best
    }
}
