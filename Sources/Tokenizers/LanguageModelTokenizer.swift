/// A tokenizer that drives a causal language model: it knows the model's special tokens, can
/// encode with or without them, and gives each id's bytes so that text can be streamed as it is
/// generated. Byte-level BPE (`BPETokenizer`) and SentencePiece (`SentencePieceTokenizer`) are
/// both one.
public protocol LanguageModelTokenizer: Tokenizer {
    /// The beginning-of-sequence id, if the tokenizer has one.
    var bosTokenID: Int? { get }
    /// Whether `encode(_:addSpecial: true, ...)` puts BOS first (llama.cpp's add_bos, which
    /// llama-perplexity also puts at the start of every chunk).
    var addsBOS: Bool { get }
    /// The end-of-sequence id, if the tokenizer has one.
    var eosTokenID: Int? { get }
    /// `addSpecial`: add BOS/EOS where the tokenizer asks for them (llama.cpp's `add_special`).
    /// `parseSpecial`: recognise control tokens written in the text (llama.cpp's `parse_special`).
    func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int]
    /// The bytes one id stands for (special tokens as their text); empty outside the vocabulary.
    /// Bytes of consecutive ids concatenate into the text, so a stream can be decoded piecewise.
    func bytes(of id: Int) -> [UInt8]
    /// The id of a token given as it is written in text (`"<end_of_turn>"`, `"<|im_end|>"`).
    func id(of token: String) -> Int?
    /// The most bytes of text one token can stand for: a text of n bytes needs at least
    /// n / longestTokenBytes tokens, which bounds a prompt before it is tokenized.
    var longestTokenBytes: Int { get }
}
