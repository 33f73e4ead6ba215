#!/usr/bin/env python3
"""Hugging Face `tokenizers` ids of very long words, for the BPE merge algorithm (a heap of
candidate pairs over a linked list of symbols) to be checked against on the inputs where a
different merge order would show: one pre-tokenizer piece of thousands of bytes.

    python3 -m venv /tmp/tokvenv && /tmp/tokvenv/bin/pip install tokenizers
    /tmp/tokvenv/bin/python scripts/make-long-word-fixtures.py

Reads Tests/TokenizerTests/Fixtures/gpt2-tokenizer.json (committed) and writes
Tests/TokenizerTests/Fixtures/gpt2-long-words.jsonl: one {"text", "ids"} object per line."""
import json, os, random

from tokenizers import Tokenizer

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "TokenizerTests", "Fixtures")


def main():
    rng = random.Random(10)
    tokenizer = Tokenizer.from_file(os.path.join(FIXTURES, "gpt2-tokenizer.json"))
    texts = [
        "a" * 5000,
        "".join(rng.choice("abcd") for _ in range(8000)),
        "".join(rng.choice("etaoinshrdlu") for _ in range(8000)),
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8000)),
        "the" * 2000,
        "ab" * 3000 + "ba" * 3000,
        " " * 4000 + "x",
        "7" * 3000,
        "".join(chr(rng.randrange(0x4E00, 0x4F00)) for _ in range(2000)),
        "é" * 2000 + "ß" * 1000,
    ]
    with open(os.path.join(FIXTURES, "gpt2-long-words.jsonl"), "w", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text, "ids": tokenizer.encode(text).ids}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
