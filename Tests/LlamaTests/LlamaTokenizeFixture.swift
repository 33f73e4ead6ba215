import Foundation
import Formats
import Testing
@testable import Tokenizers

/// One `tokenize-*.jsonl` fixture written by scripts/make-tokenizer-references.py from
/// llama.cpp's `llama-tokenize`: a header line, then `{"text", "ids", "ids_no_special"}` per text.
struct LlamaTokenizeFixture {
    struct Case {
        /// Line in the .jsonl file (1-based; line 1 is the header).
        let line: Int
        let text: String
        let ids: [Int]
        let idsNoSpecial: [Int]
    }

    let name: String
    let meta: [String: Any]
    let cases: [Case]

    init(_ name: String) throws {
        self.name = name
        let url = LlamaFixtures.directory.appending(path: name)
        let lines = String(decoding: try Data(contentsOf: url), as: UTF8.self).split(separator: "\n")
        var meta: [String: Any] = [:]
        var cases: [Case] = []
        for (index, line) in lines.enumerated() {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            if index == 0 {
                meta = object["meta"] as? [String: Any] ?? [:]
                continue
            }
            guard let text = object["text"] as? String, let ids = object["ids"] as? [Int],
                  let idsNoSpecial = object["ids_no_special"] as? [Int] else {
                Issue.record("\(name) line \(index + 1) is not {text, ids, ids_no_special}")
                continue
            }
            cases.append(Case(line: index + 1, text: text, ids: ids, idsNoSpecial: idsNoSpecial))
        }
        self.meta = meta
        self.cases = cases
    }

    /// Encodes every text both ways and compares with llama.cpp's ids; each mismatch is one
    /// recorded issue showing the text and where the ids part, with the tokens' text. Returns
    /// the matching counts, printed as one summary line.
    @discardableResult
    func check(_ tokenizer: some LanguageModelTokenizer, label: String) -> (special: Int, noSpecial: Int, total: Int) {
        var matches = (special: 0, noSpecial: 0)
        for testCase in cases {
            for parseSpecial in [true, false] {
                let expected = parseSpecial ? testCase.ids : testCase.idsNoSpecial
                let actual = tokenizer.encode(testCase.text, addSpecial: true, parseSpecial: parseSpecial)
                if actual == expected {
                    if parseSpecial { matches.special += 1 } else { matches.noSpecial += 1 }
                    continue
                }
                Issue.record(Comment(rawValue: Self.describeMismatch(
                    tokenizer, file: name, testCase: testCase, parseSpecial: parseSpecial, expected: expected, actual: actual)))
            }
        }
        print("\(label) (\(name)): \(matches.special)/\(cases.count) texts identical to llama-tokenize, "
              + "\(matches.noSpecial)/\(cases.count) with --no-parse-special")
        return (matches.special, matches.noSpecial, cases.count)
    }

    static func describeMismatch(_ tokenizer: some LanguageModelTokenizer, file: String, testCase: Case, parseSpecial: Bool,
                                 expected: [Int], actual: [Int]) -> String {
        let first = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(expected.count, actual.count)
        func show(_ ids: [Int]) -> String {
            let window = ids[min(first, ids.count)..<min(first + 6, ids.count)]
            return window.map { id in "\(id) \(String(decoding: tokenizer.bytes(of: id), as: UTF8.self).debugDescription)" }
                .joined(separator: ", ")
        }
        return """
            \(file) line \(testCase.line)\(parseSpecial ? "" : " (--no-parse-special")): \(testCase.text.debugDescription.prefix(100))
              ids part at index \(first) of \(expected.count) (llama.cpp) / \(actual.count) (ours)
              llama.cpp: … \(show(expected))
              ours:      … \(show(actual))
            """
    }
}
