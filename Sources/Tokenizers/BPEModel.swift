import Synchronization

/// Byte-pair merges over token ids: the vocabulary, the ranked merges, and a cache of words
/// already merged (text repeats words constantly, and merging is the expensive step).
final class BPEModel: Sendable {
    struct Merge: Sendable {
        let rank: Int32
        let result: Int32
    }

    let vocabulary: [String: Int]
    let tokens: [String?]
    /// (left id, right id) packed as `left << 32 | right` → rank and merged id.
    private let merges: [UInt64: Merge]
    /// Id of each byte's single-character token; nil where the vocab lacks it (Hugging Face then
    /// drops the byte, having no unknown token).
    private let byteTokenIDs: [Int32?]
    private let cache = Mutex<[String: [Int]]>([:])
    private static let cacheLimit = 50_000

    convenience init(vocabulary: [String: Int], merges: [(String, String)], path: String) throws(TokenizerError) {
        var tokens = [String?](repeating: nil, count: (vocabulary.values.max() ?? -1) + 1)
        for (token, id) in vocabulary { tokens[id] = token }
        try self.init(vocabulary: vocabulary, tokens: tokens, merges: merges, path: path)
    }

    /// A vocabulary given as the token of each id (GGUF's `tokenizer.ggml.tokens`). A string that
    /// appears more than once maps to its last id, as llama.cpp's `token_to_id` does.
    convenience init(tokens: [String], merges: [(String, String)], path: String) throws(TokenizerError) {
        var vocabulary: [String: Int] = [:]
        vocabulary.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() { vocabulary[token] = id }
        try self.init(vocabulary: vocabulary, tokens: tokens, merges: merges, path: path)
    }

    private init(vocabulary: [String: Int], tokens: [String?], merges: [(String, String)], path: String) throws(TokenizerError) {
        self.vocabulary = vocabulary
        self.tokens = tokens

        var table: [UInt64: Merge] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            guard let leftID = vocabulary[left], let rightID = vocabulary[right] else {
                throw .invalidFile(path: path, reason: "merge \(rank + 1) \"\(left) \(right)\" uses a token missing from the vocabulary")
            }
            guard let resultID = vocabulary[left + right] else {
                throw .invalidFile(path: path, reason: "merge \(rank + 1) \"\(left) \(right)\" makes \"\(left + right)\", which is missing from the vocabulary")
            }
            let key = UInt64(leftID) << 32 | UInt64(rightID)
            // The first (best-ranked) occurrence of a pair wins, as in Hugging Face.
            if table[key] == nil {
                table[key] = Merge(rank: Int32(rank), result: Int32(resultID))
            }
        }
        self.merges = table
        byteTokenIDs = ByteLevelAlphabet.scalarForByte.map { scalar in
            vocabulary[String(scalar)].map(Int32.init)
        }
    }

    /// Ids of one pre-tokenized piece of text.
    func encode(_ piece: Substring.UnicodeScalarView) -> [Int] {
        let piece = String(piece)
        if let cached = cache.withLock({ $0[piece] }) { return cached }
        let ids = merge(Array(piece.utf8))
        cache.withLock { cache in
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[piece] = ids
        }
        return ids
    }

    /// Repeatedly applies the best-ranked merge (leftmost on ties), as Hugging Face's BPE does.
    /// Quadratic in the piece's length, which is a word or a whitespace run in practice.
    private func merge(_ bytes: [UInt8]) -> [Int] {
        var symbols = bytes.compactMap { byteTokenIDs[Int($0)] }
        while symbols.count > 1 {
            var best: (index: Int, merge: Merge)?
            for index in 0..<(symbols.count - 1) {
                let key = UInt64(UInt32(symbols[index])) << 32 | UInt64(UInt32(symbols[index + 1]))
                if let merge = merges[key], merge.rank < (best?.merge.rank ?? .max) {
                    best = (index, merge)
                }
            }
            guard let (index, merge) = best else { break }
            symbols[index] = merge.result
            symbols.remove(at: index + 1)
        }
        return symbols.map(Int.init)
    }
}
