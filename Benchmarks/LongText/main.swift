// Tokenizing 1 MB of text without a space on each tokenizer (issue 10: < 2 s each).
// Built and run by scripts/bench-long-text.sh (release, against the fetched model files).
import Formats
import FoundationEssentials
import Tokenizers

let models = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ".cache/models"
let megabyte = 1 << 20

func letters(_ count: Int) -> String {
    var scalars = String.UnicodeScalarView()
    for index in 0..<count { scalars.append(Unicode.Scalar(UInt8(97 + (index * 7 + index / 26) % 26))) }
    return String(scalars)
}

func measure(_ name: String, _ tokenizer: any Tokenizer, _ text: String) {
    let start = ContinuousClock.now
    let ids = tokenizer.encode(text)
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    let verdict = seconds < 2 ? "ok" : "OVER 2 s"
    print("| \(name) | \(text.utf8.count) | \(ids.count) | \((seconds * 1000).rounded() / 1000) | \(verdict) |")
}

print("| tokenizer | bytes | tokens | seconds | < 2 s |")
print("|---|---:|---:|---:|---|")
let text = letters(megabyte)
do {
    let gpt2 = try BPETokenizer(vocabJSON: models + "/gpt2/vocab.json", merges: models + "/gpt2/merges.txt")
    measure("GPT-2 BPE, letters", gpt2, text)
    measure("GPT-2 BPE, one letter", gpt2, String(repeating: "a", count: megabyte))
    let gguf = try BPETokenizer(gguf: GGUFFile(path: models + "/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    measure("GGUF BPE (SmolLM2), letters", gguf, text)
    measure("GGUF BPE (SmolLM2), digits", gguf, String(repeating: "7", count: megabyte))
    let wordPiece = try WordPieceTokenizer(vocabTXT: models + "/all-MiniLM-L6-v2/vocab.txt",
                                           config: models + "/all-MiniLM-L6-v2/tokenizer_config.json")
    measure("WordPiece (MiniLM), letters", wordPiece, text)
} catch {
    print("error: \(error)")
}
