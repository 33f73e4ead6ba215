/// The check every token → id table from a file passes before anything is sized by its ids.
///
/// A table of n tokens (plus the file's added tokens) has ids in 0..<n: an id beyond that would
/// make the id → token array as long as the id says, so `{"a": 99999999999}` would ask for
/// hundreds of gigabytes and a negative id would trap. Holes are allowed (Hugging Face files
/// sometimes leave ids to their added tokens), as long as every id stays under the count.
enum VocabularyIDs {
    static func check(_ vocabulary: [String: Int], extraTokens: Int = 0, path: String,
                      field: String) throws(TokenizerError) {
        let limit = vocabulary.count + max(0, extraTokens)
        if let bad = vocabulary.first(where: { $0.value < 0 || $0.value >= limit }) {
            throw .invalidFile(path: path, reason: "\(field)[\"\(bad.key.prefix(80))\"] = \(bad.value) is not a token id: "
                + "ids must be in 0..<\(limit), one per token the file lists")
        }
    }

    /// Added tokens' ids, against the same count.
    static func check(added: [(content: String, id: Int, isSpecial: Bool)], limit: Int, path: String) throws(TokenizerError) {
        if let bad = added.first(where: { $0.id < 0 || $0.id >= limit }) {
            throw .invalidFile(path: path, reason: "added_tokens: \"\(bad.content.prefix(80))\" has id \(bad.id), "
                + "ids must be in 0..<\(limit), one per token the file lists")
        }
    }
}
