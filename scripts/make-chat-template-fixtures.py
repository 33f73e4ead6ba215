#!/usr/bin/env python3
"""Extracts llama.cpp's own chat-template test cases into a JSON fixture (standard library only).

Source: tests/test-chat-template.cpp of llama.cpp as vendored in the PyPI sdist
llama-cpp-python==0.3.36 (unpacked by scripts/build-llama-cpp.sh into .cache/llama.cpp-src).
Its main_automated_tests() renders one conversation with every test case's Jinja source through
llama_chat_apply_template (template detection, then llm_chat_apply_template) with
add_generation_prompt = true, and asserts the result equals the case's expected_output.

Writes Tests/LlamaTests/Fixtures/chat-templates.json:
    {"source": ..., "conversation": [{"role", "content"}, ...],
     "cases": [{"name", "template", "expected_output"}, ...]}
Cases with an extra_conversation (tool-call roles) are left out. The strings are the C++ string
literals decoded (adjacent literals concatenated, escapes resolved); nothing is rendered here.

Run: scripts/make-chat-template-fixtures.py
"""
import json
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(REPO, ".cache", "llama.cpp-src", "tests", "test-chat-template.cpp")
OUT = os.path.join(REPO, "Tests", "LlamaTests", "Fixtures", "chat-templates.json")

SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0",
                  "a": "\a", "b": "\b", "f": "\f", "v": "\v", "?": "?"}


def parse_literals(text, pos):
    """Parses one or more adjacent C++ string literals (optionally wrapped in U8C(...) or with
    a u8 prefix) starting at pos (after whitespace); returns (decoded string, end position)."""
    def skip_space(p):
        while p < len(text) and text[p] in " \t\r\n":
            p += 1
        return p

    pos = skip_space(pos)
    wrapped = text.startswith("U8C(", pos)
    if wrapped:
        pos += 4
    out = bytearray()
    found = False
    while True:
        pos = skip_space(pos)
        if text.startswith('u8"', pos):
            pos += 2
        if pos >= len(text) or text[pos] != '"':
            break
        found = True
        pos += 1
        while text[pos] != '"':
            c = text[pos]
            if c == "\\":
                e = text[pos + 1]
                if e == "x":
                    m = re.match(r"[0-9a-fA-F]+", text[pos + 2:])
                    out.append(int(m.group(0), 16))
                    pos += 2 + len(m.group(0))
                    continue
                if e == "u":
                    out += chr(int(text[pos + 2:pos + 6], 16)).encode("utf-8")
                    pos += 6
                    continue
                out += SIMPLE_ESCAPES[e].encode("utf-8")
                pos += 2
                continue
            out += c.encode("utf-8")
            pos += 1
        pos += 1
    if not found:
        raise ValueError("no string literal at %d: %r" % (pos, text[pos:pos + 40]))
    if wrapped:
        pos = skip_space(pos)
        assert text[pos] == ")", text[pos:pos + 20]
        pos += 1
    return out.decode("utf-8"), pos


def main():
    with open(SOURCE, encoding="utf-8") as f:
        text = f.read()
    start = text.index("int main_automated_tests(void)")
    conv_start = text.index("std::vector<llama_chat_message> conversation {", start)
    conv_end = text.index("};", conv_start)
    conversation = []
    pos = text.index("{", conv_start)  # the vector's own brace
    while True:
        brace = text.find("{", pos + 1, conv_end)
        if brace < 0:
            break
        role, pos = parse_literals(text, brace + 1)
        assert text[pos] == ",", text[pos:pos + 20]
        content, pos = parse_literals(text, pos + 1)
        conversation.append({"role": role, "content": content})

    cases_start = text.index("std::vector<TestCase> test_cases {", start)
    cases_end = text.index("std::vector<char> formatted_chat", cases_start)
    block = text[cases_start:cases_end]
    cases = []
    for chunk in block.split("/* .name= */")[1:]:
        name, _ = parse_literals(chunk, 0)
        # Two cases write the marker without its "=" ("/* .template_str */").
        template, _ = parse_literals(chunk, re.search(r"/\* \.template_str=? \*/", chunk).end())
        expected, _ = parse_literals(chunk, re.search(r"/\* \.expected_output=? \*/", chunk).end())
        if "/* .extra_conversation= */" in chunk:
            continue
        cases.append({"name": name, "template": template, "expected_output": expected})

    fixture = {
        "source": "tests/test-chat-template.cpp (main_automated_tests) of llama.cpp in the PyPI sdist "
                  "llama-cpp-python==0.3.36; rendered there by llama_chat_apply_template(template, "
                  "conversation, add_generation_prompt=true)",
        "conversation": conversation,
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("%s: %d cases, %d messages" % (os.path.relpath(OUT, REPO), len(cases), len(conversation)))


if __name__ == "__main__":
    main()
