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
    /// The longest token's length in bytes (one byte-level scalar per byte).
    let longestTokenBytes: Int
    private let cache = Mutex<[String: [Int]]>([:])
    private static let cacheLimit = 50_000

    /// `extraTokens`: how many tokens the file lists besides `vocabulary` (its added tokens),
    /// which may fill holes in the ids; see `VocabularyIDs.check`.
    convenience init(vocabulary: [String: Int], extraTokens: Int = 0, merges: [(String, String)],
                     path: String, field: String = "vocab") throws(TokenizerError) {
        try VocabularyIDs.check(vocabulary, extraTokens: extraTokens, path: path, field: field)
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
        longestTokenBytes = tokens.lazy.map { $0?.unicodeScalars.count ?? 0 }.max() ?? 0

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

    /// Ids of one pre-tokenized piece of text. Pieces up to `cacheableBytes` long are cached:
    /// a cache bounded in entries alone would hold gigabytes of long, never-repeated pieces.
    func encode(_ piece: Substring.UnicodeScalarView) -> [Int] {
        let piece = String(piece)
        let cacheable = piece.utf8.count <= Self.cacheableBytes
        if cacheable, let cached = cache.withLock({ $0[piece] }) { return cached }
        let ids = merge(Array(piece.utf8))
        if cacheable {
            cache.withLock { cache in
                if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[piece] = ids
            }
        }
        return ids
    }

    private static let cacheableBytes = 256

    /// Applies the best-ranked merge (leftmost on ties) until none applies, the way Hugging
    /// Face's `Word::merge_all` does: symbols in a linked list, candidate pairs in a min-heap
    /// keyed by (rank, position). A popped pair whose symbols have changed since it was pushed is
    /// stale and skipped. O(n log n) in the piece's length, so one 1 MB "word" costs no more
    /// than a million short ones (the plain rescan-and-merge loop is quadratic).
    private func merge(_ bytes: [UInt8]) -> [Int] {
        var ids = bytes.compactMap { byteTokenIDs[Int($0)] }
        guard ids.count > 1 else { return ids.map(Int.init) }
        let count = ids.count
        // next[i] / previous[i]: neighbours in the list; -1 at the ends. A merged-away symbol
        // gets `removed` set so stale heap entries can tell.
        var next = (0..<count).map { $0 + 1 == count ? -1 : $0 + 1 }
        var previous = (0..<count).map { $0 - 1 }
        var removed = [Bool](repeating: false, count: count)
        var heap = MergeHeap()
        heap.reserve(count)

        func merge(at left: Int, _ right: Int) -> Merge? {
            merges[UInt64(UInt32(bitPattern: ids[left])) << 32 | UInt64(UInt32(bitPattern: ids[right]))]
        }
        for position in 0..<(count - 1) {
            if let merge = merge(at: position, position + 1) {
                heap.push(.init(rank: merge.rank, position: Int32(position), result: merge.result))
            }
        }
        while let top = heap.pop() {
            let position = Int(top.position)
            let right = next[position]
            guard !removed[position], right >= 0, let current = merge(at: position, right),
                  current.result == top.result else { continue }
            ids[position] = current.result
            removed[right] = true
            let after = next[right]
            next[position] = after
            if after >= 0 { previous[after] = position }
            let before = previous[position]
            if before >= 0, let merge = merge(at: before, position) {
                heap.push(.init(rank: merge.rank, position: Int32(before), result: merge.result))
            }
            if after >= 0, let merge = merge(at: position, after) {
                heap.push(.init(rank: merge.rank, position: Int32(position), result: merge.result))
            }
        }
        var result: [Int] = []
        result.reserveCapacity(count)
        var position = 0
        while position >= 0 {
            result.append(Int(ids[position]))
            position = next[position]
        }
        return result
    }
}

/// A min-heap of candidate merges ordered by (rank, position): the best-ranked pair, leftmost
/// among equals, comes out first. Four children per node: half the levels of a binary heap,
/// and the children of a node share a cache line, which is what a pop waits on for long words.
struct MergeHeap {
    struct Entry {
        let rank: Int32
        let position: Int32
        let result: Int32

        func precedes(_ other: Entry) -> Bool {
            rank != other.rank ? rank < other.rank : position < other.position
        }
    }

    private var entries: [Entry] = []
    private static let arity = 4

    mutating func reserve(_ capacity: Int) { entries.reserveCapacity(capacity) }

    mutating func push(_ entry: Entry) {
        entries.append(entry)
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / Self.arity
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let last = entries.popLast() else { return nil }
        guard !entries.isEmpty else { return last }
        let top = entries[0]
        // Sift `last` down from the root, moving the best child up at each level.
        let count = entries.count
        var parent = 0
        while true {
            let first = Self.arity * parent + 1
            guard first < count else { break }
            var best = first
            for child in (first + 1)..<min(first + Self.arity, count) where entries[child].precedes(entries[best]) {
                best = child
            }
            guard entries[best].precedes(last) else { break }
            entries[parent] = entries[best]
            parent = best
        }
        entries[parent] = last
        return top
    }
}
