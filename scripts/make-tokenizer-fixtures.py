#!/usr/bin/env python3
"""Writes the tokenizer test fixtures with Hugging Face's `tokenizers` as the reference.

    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers
    ./scripts/fetch-models.sh
    /tmp/tokvenv/bin/python scripts/make-tokenizer-fixtures.py [--regenerate-corpus]

Outputs in Tests/TokenizerTests/Fixtures/:
  corpus.txt            the committed corpus; lines are separated by "\n" only (a line may hold
                        \r, \x0b, \x0c, \x85, \u2028 ...). Rebuilt only with --regenerate-corpus,
                        since its prose and code come from this Python's stdlib sources.
  gpt2.ids              GPT-2 ids of each corpus line, space-separated, one line per corpus line
  gpt2-whole.ids        GPT-2 ids of the whole corpus file as one text (newline handling)
  gpt2-invalid-utf8.tsv hex bytes <TAB> ids of b.decode('utf-8', errors='replace')
  gpt2-tokenizer.json   GPT-2 as written by tokenizers' Tokenizer.save
  bert.ids              all-MiniLM-L6-v2 ids of each corpus line, with [CLS] ... [SEP], untruncated
"""
import argparse, ast, inspect, importlib, json, os, random, sys

from tokenizers import Tokenizer, models, pre_tokenizers, decoders, processors

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(REPO, "Tests", "TokenizerTests", "Fixtures")
MODELS = os.environ.get("VULKANLM_MODELS", os.path.join(REPO, ".cache", "models"))


def prose_and_code(rng):
    """Docstring prose and source lines from a fixed list of stdlib modules."""
    prose, code = [], []
    for name in ["textwrap", "json.decoder", "argparse", "difflib", "fractions", "string",
                 "heapq", "bisect", "calendar", "shlex", "statistics", "dataclasses"]:
        module = importlib.import_module(name)
        source = inspect.getsource(module)
        code.extend(line for line in source.split("\n") if line.strip())
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module)):
                doc = ast.get_docstring(node)
                if doc:
                    prose.extend(p.replace("\n", " ") for p in doc.split("\n\n") if p.strip())
    rng.shuffle(prose)
    rng.shuffle(code)
    return prose[:1100], code[:1000]


def random_text(rng, ranges, n, punct=""):
    chars = []
    for _ in range(n):
        lo, hi = rng.choice(ranges)
        chars.append(chr(rng.randint(lo, hi)))
        if punct and rng.random() < 0.08:
            chars.append(rng.choice(punct))
    return "".join(chars)


EMOJI = ["😀", "😂", "🥰", "🤖", "🚀", "🎉", "❤️", "👍🏽", "👋🏿", "🧑‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈",
         "🇫🇷", "🇯🇵", "🇺🇸", "🇩🇪", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "1️⃣", "#️⃣", "©️", "☕", "🫠", "🐍", "🦀", "🌍", "✨",
         "👩🏾‍🔬", "🤷‍♀️", "🧔🏻‍♂️", "💯"]
WORDS_ACCENTED = ["café", "naïve", "résumé", "über", "façade", "São Paulo", "Zürich", "Ångström",
                  "crème brûlée", "jalapeño", "Dvořák", "Łódź", "Ærø", "Straße", "coöperate",
                  "Tiếng Việt", "İstanbul", "ΟΔΟΣ", "Ελληνικά", "Москва", "ﬁnancial", "Ｆｕｌｌｗｉｄｔｈ",
                  "e\u0301te\u0301", "A\u030A", "n\u0303", "ǅungla", "Ǆ", "ΐ", "ﬃ"]
EDGE = [
    "", " ", "  ", "\t", " \t ", "a  b", "a\t\tb", "trailing   ", "   leading", "a \u00a0 b",
    "\u3000全角空白\u3000", "em\u2003space", "cr\rinside", "vt\x0bff\x0cfs\x1cgs\x1d", "nel\x85ls\u2028ps\u2029",
    "Hello<|endoftext|>world", "<|endoftext|>", "<|endoftext|><|endoftext|>", " <|endoftext|> ",
    "<|endoftext", "endoftext|>", "<|endoftext|>The next document begins.", "[CLS] [SEP] [MASK] [PAD] [UNK]",
    "[cls] x[MASK]y", "don't", "I'll've", "'s 't 're 've 'm 'll 'd", "'S 'T 'RE", "it''s", "'", "''",
    "x'sy", "3.14159", "1,000,000", "2024-01-15T12:34:56Z", "١٢٣٤٥ ٦٧٨", "½ ¾ ² ³ Ⅻ ⅻ", "0x7FFF_FFFF",
    "123456789012345678901234567890", "a" * 150, "supercalifragilisticexpialidocious" * 4,
    "https://example.com/path?q=1&r=two#frag", "user@example.org", "C:\\Windows\\System32",
    "\x00null\x01soh\x7fdel", "\ufffdreplacement\ufffd", "\u200bzero\u200cwidth\u200djoin\ufeffbom",
    "\u0301leading combining", "a\u0300\u0301\u0302\u0303", "\ue000private\uf8ff", "\u0378unassigned\U000e0001",
    "מִשְׁפָּט עִבְרִי", "مرحبا بالعالم", "नमस्ते दुनिया", "สวัสดีชาวโลก", "한국어 텍스트 입니다", "각",
    "∀x∈ℝ: x²≥0 ⇒ √(x²)=|x|", "→←↑↓ ≤≥≠ ∞", "$100 + €50 = £?", "^_^ `code` ~tilde~ <tag> {a|b}",
    "!!!???...", "—–‐ «quotes» „low“ ‹single›", "¿Qué? ¡Sí!", "…", "§¶†‡•", "❶❷❸", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚𝟛",
    "𠀀𠀁𪜀 rare CJK ext B", "\U0001F3FB alone", "🇫", "🇫🇷🇯", "ℌ𝔢𝔩𝔩𝔬", "ǈǋ", "Ὀδυσσεύς",
]


def make_corpus(rng):
    prose, code = prose_and_code(rng)
    lines = []
    lines += prose
    lines += code
    cjk = [(0x4E00, 0x9FA5)]
    for _ in range(200):
        lines.append(random_text(rng, cjk, rng.randint(5, 60), "，。！？、「」：；（）"))
    jp = [(0x3041, 0x3096), (0x30A1, 0x30FA), (0x4E00, 0x9FA5), (0x3041, 0x3096)]
    for _ in range(200):
        lines.append(random_text(rng, jp, rng.randint(5, 60), "。、ー・「」"))
    for _ in range(60):
        lines.append(random_text(rng, [(0xAC00, 0xD7A3)], rng.randint(3, 30), " "))
    for _ in range(200):
        parts = [rng.choice(EMOJI) if rng.random() < 0.5 else rng.choice(["hi", " ", "ok", "and", "!", "  "])
                 for _ in range(rng.randint(1, 12))]
        lines.append("".join(parts))
    for _ in range(200):
        lines.append(" ".join(rng.choice(WORDS_ACCENTED) for _ in range(rng.randint(1, 8))))
    latin_ext = [(0x00C0, 0x00FF), (0x0100, 0x017F), (0x0180, 0x024F), (0x1E00, 0x1EFF), (0x0061, 0x007A)]
    for _ in range(150):
        lines.append(random_text(rng, latin_ext, rng.randint(3, 40), " .,"))
    ws = [" ", "  ", "\t", " \t", "    ", "\t\t", "\u00a0", "\u3000", "\r", "        "]
    for _ in range(200):
        lines.append("".join(rng.choice(ws) + rng.choice(["x", "if", "(1)", "中", "😀", "'s", "42", ""]) for _ in range(rng.randint(1, 10))))
    for _ in range(150):
        lines.append(" ".join(str(rng.choice([rng.randint(0, 10**rng.randint(1, 12)), rng.random() * 1000,
                                               -rng.randint(0, 999)])) for _ in range(rng.randint(1, 8))))
    lines += EDGE
    mixed_pool = [p for p in prose[:200]] + EDGE + EMOJI + WORDS_ACCENTED
    for _ in range(200):
        lines.append(" ".join(rng.choice(mixed_pool)[:80] for _ in range(rng.randint(2, 5))))
    # A line must not contain the separator "\n".
    return [line.replace("\n", " ") for line in lines]


INVALID_UTF8 = [
    b"\xff", b"\xfe\xff", b"abc\x80def", b"\xc3", b"\xc3(", b"\xe2\x82", b"\xe2\x82(", b"\xf0\x9f\x98",
    b"\xf0\x9f\x98\x80\xf0\x9f", b"\xed\xa0\x80", b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf4\x90\x80\x80",
    b"\xf8\x88\x80\x80\x80", b"caf\xe9", b"\x80\x80\x80", b"ok \xc3\xa9 \xc3 bad", b"\xef\xbf\xbd",
    b"<|endoftext|>\xff<|endoftext|>", b"\xf0\x90\x80", b"\xf1\x80\x80\xe1\x80\xc2",
]


def gpt2_reference():
    gpt2 = os.path.join(MODELS, "gpt2")
    bpe = models.BPE.from_file(os.path.join(gpt2, "vocab.json"), os.path.join(gpt2, "merges.txt"))
    tok = Tokenizer(bpe)
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tok.add_special_tokens(["<|endoftext|>"])
    assert tok.encode("Hello world").ids == [15496, 995]
    return tok


def bert_reference():
    minilm = os.path.join(MODELS, "all-MiniLM-L6-v2")
    tok = Tokenizer.from_file(os.path.join(minilm, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def ids_lines(tok, lines):
    return "".join(" ".join(map(str, e.ids)) + "\n" for e in tok.encode_batch(lines))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--regenerate-corpus", action="store_true")
    args = parser.parse_args()
    os.makedirs(FIXTURES, exist_ok=True)
    corpus_path = os.path.join(FIXTURES, "corpus.txt")
    if args.regenerate_corpus or not os.path.exists(corpus_path):
        lines = make_corpus(random.Random(20240601))
        with open(corpus_path, "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(lines) + "\n")
    with open(corpus_path, encoding="utf-8", newline="") as f:
        text = f.read()
    lines = text.split("\n")[:-1]

    gpt2 = gpt2_reference()
    bert = bert_reference()
    with open(os.path.join(FIXTURES, "gpt2.ids"), "w") as f:
        f.write(ids_lines(gpt2, lines))
    with open(os.path.join(FIXTURES, "gpt2-whole.ids"), "w") as f:
        f.write(" ".join(map(str, gpt2.encode(text).ids)) + "\n")
    with open(os.path.join(FIXTURES, "gpt2-invalid-utf8.tsv"), "w") as f:
        for raw in INVALID_UTF8:
            ids = gpt2.encode(raw.decode("utf-8", errors="replace")).ids
            f.write(raw.hex() + "\t" + " ".join(map(str, ids)) + "\n")
    gpt2.save(os.path.join(FIXTURES, "gpt2-tokenizer.json"), pretty=False)
    with open(os.path.join(FIXTURES, "bert.ids"), "w") as f:
        f.write(ids_lines(bert, lines))
    # The vocab.txt route (BertWordPieceTokenizer-style) must agree with tokenizer.json.
    from tokenizers import BertWordPieceTokenizer
    alt = BertWordPieceTokenizer(os.path.join(MODELS, "all-MiniLM-L6-v2", "vocab.txt"), lowercase=True)
    assert ids_lines(alt, lines) == ids_lines(bert, lines), "vocab.txt and tokenizer.json disagree"
    for name in sorted(os.listdir(FIXTURES)):
        print(f"{os.path.getsize(os.path.join(FIXTURES, name)):>9}  {name}")


if __name__ == "__main__":
    main()
