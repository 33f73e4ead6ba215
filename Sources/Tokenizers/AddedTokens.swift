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

    init(_ tokens: [(content: String, id: Int, isSpecial: Bool)]) {
        for token in tokens where !token.content.isEmpty {
            let bytes = Array(token.content.utf8)
            self.tokens.append(Token(content: bytes, id: token.id, isSpecial: token.isSpecial))
            firstBytes[Int(bytes[0])] = true
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
    func split(_ text: String) -> [Piece] {
        if tokens.isEmpty { return [.text(text)] }
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var textStart = 0
        var position = 0
        while position < bytes.count {
            guard firstBytes[Int(bytes[position])], let match = longestMatch(in: bytes, at: position) else {
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

    private func longestMatch(in bytes: [UInt8], at position: Int) -> Token? {
        var best: Token?
        for token in tokens where token.content.count > (best?.content.count ?? 0) {
            let end = position + token.content.count
            if end <= bytes.count, bytes[position..<end].elementsEqual(token.content) {
                best = token
            }
        }
        return best
    }
}
