/// The parts of Hugging Face's `tokenizer.json` this library reads. Sections whose shape depends
/// on their "type" are kept as `JSONValue` and interpreted by the tokenizer that needs them.
struct TokenizerJSON: Decodable {
    struct AddedToken: Decodable {
        let id: Int
        let content: String
        let special: Bool?
    }

    struct Model: Decodable {
        let type: String?
        /// token → id; nil when absent or not an object (Unigram stores a list).
        let vocab: [String: Int]?
        let merges: [Merge]?
        let unkToken: String?
        let continuingSubwordPrefix: String?
        let maxInputCharsPerWord: Int?

        enum CodingKeys: String, CodingKey {
            case type, vocab, merges
            case unkToken = "unk_token"
            case continuingSubwordPrefix = "continuing_subword_prefix"
            case maxInputCharsPerWord = "max_input_chars_per_word"
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decodeIfPresent(String.self, forKey: .type)
            vocab = try? container.decodeIfPresent([String: Int].self, forKey: .vocab)
            merges = try container.decodeIfPresent([Merge].self, forKey: .merges)
            unkToken = try container.decodeIfPresent(String.self, forKey: .unkToken)
            continuingSubwordPrefix = try container.decodeIfPresent(String.self, forKey: .continuingSubwordPrefix)
            maxInputCharsPerWord = try container.decodeIfPresent(Int.self, forKey: .maxInputCharsPerWord)
        }
    }

    /// A merge is written `"a b"` in older files and `["a", "b"]` in newer ones.
    struct Merge: Decodable {
        let left: String
        let right: String

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let pair = try? container.decode([String].self) {
                guard pair.count == 2 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "merge \(pair) is not a pair")
                }
                (left, right) = (pair[0], pair[1])
            } else {
                let line = try container.decode(String.self)
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "merge \"\(line)\" is not \"a b\"")
                }
                (left, right) = (String(parts[0]), String(parts[1]))
            }
        }
    }

    let addedTokens: [AddedToken]?
    let normalizer: JSONValue?
    let preTokenizer: JSONValue?
    let postProcessor: JSONValue?
    let model: Model

    enum CodingKeys: String, CodingKey {
        case model, normalizer
        case addedTokens = "added_tokens"
        case preTokenizer = "pre_tokenizer"
        case postProcessor = "post_processor"
    }

    /// `model.vocab` as token → id; only BPE and WordPiece store it as an object.
    func vocabulary(path: String) throws(TokenizerError) -> [String: Int] {
        guard let vocab = model.vocab else {
            throw .invalidFile(path: path, reason: "model.vocab is missing or not an object of token → id")
        }
        let added = addedTokenList
        try VocabularyIDs.check(vocab, extraTokens: added.count, path: path, field: "model.vocab")
        try VocabularyIDs.check(added: added, limit: vocab.count + added.count, path: path)
        return vocab
    }

    var addedTokenList: [(content: String, id: Int, isSpecial: Bool)] {
        (addedTokens ?? []).map { ($0.content, $0.id, $0.special ?? false) }
    }
}

/// Any JSON value, for sections whose layout varies with their "type".
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    subscript(key: String) -> JSONValue? {
        if case .object(let entries) = self { return entries[key] }
        return nil
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var int: Int? {
        if case .number(let value) = self, value == value.rounded(), abs(value) < 1e15 { return Int(value) }
        return nil
    }

    var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}
