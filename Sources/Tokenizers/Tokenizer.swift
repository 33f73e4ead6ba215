/// Turns text into token ids and back.
///
/// `encode` takes a `String`, which is always valid Unicode; tokenizers that work on bytes also
/// offer an entry point for raw, possibly invalid, UTF-8.
public protocol Tokenizer: Sendable {
    /// The ids of `text`, with whatever special tokens the tokenizer adds by default
    /// (none for GPT-2, `[CLS]` … `[SEP]` for BERT), as Hugging Face's `encode` does.
    func encode(_ text: String) -> [Int]
    /// The text of `ids`. Ids outside the vocabulary are skipped.
    func decode(_ ids: [Int]) -> String
    /// The number of ids the tokenizer can produce (vocabulary plus added tokens).
    var vocabularySize: Int { get }
}
