#!/usr/bin/env python3
"""Writes llama.cpp's greedy continuations of the random-weight architecture files as fixtures
(standard library only).

Inputs: the files scripts/make-random-architectures.py writes into .cache/models/random-archs/
(llama, qwen2, qwen3, gemma2, gemma3, phi3), and llama.cpp's binaries built by
scripts/build-llama-cpp.sh (llama-cpp-python 0.3.36 sdist). Output, per architecture:
Tests/LlamaTests/Fixtures/architectures/<arch>.json =
  {"meta": {llama.cpp version, file name, size and sha256, the exact commands},
   "cases": [{"prompt", "prompt_ids", "ids", "text"}]}
  prompt_ids: llama-tokenize -m FILE -f PROMPTFILE --ids --no-escape --log-disable
  ids:        llama-completion -m FILE -p PROMPT -n 24 --temp 0 --seed 42 -t 2 -c 512 -b 512
                  -no-cnv --no-display-prompt --no-escape -sp --no-warmup --log-jsonl
              each printed piece mapped back to its token id through the file's vocabulary
              (the random files give unprintable tokens zero head rows, so each piece is one id;
              see make-llama-references.py for the mapping).
"""
import hashlib
import importlib.util
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("refs", os.path.join(REPO, "scripts", "make-llama-references.py"))
refs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refs)

MODELS = os.path.join(REPO, ".cache/models/random-archs")
OUT = os.path.join(REPO, "Tests/LlamaTests/Fixtures/architectures")
ARCHS = ["llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"]
# SmolLM2's first eight prompts (make-llama-references.py), and one longer than the sliding
# window (8) of the Gemma files, so the prompt pass masks too.
PROMPTS = refs.PROMPTS[:8] + [
    "The history of the city goes back to the Roman period, when a small settlement grew along the river and",
]
ARGS = ["-n", "24"] + [a for a in refs.GEN_ARGS if a != "32" and a != "-n"]


def main():
    bin_dir = os.environ.get("LLAMA_CPP_BIN", os.path.join(REPO, ".cache/llama.cpp-build/bin"))
    if not os.path.isdir(bin_dir):
        bin_dir = "/work/main/.cache/llama.cpp-build/bin"
    bins = {k: os.path.join(bin_dir, "llama-" + k) for k in ("tokenize", "completion")}
    refs.GEN_ARGS[:] = ARGS
    ver = subprocess.run([bins["completion"], "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace").strip()
    os.makedirs(OUT, exist_ok=True)
    for arch in sys.argv[1:] or ARCHS:
        model = os.path.join(MODELS, arch + ".gguf")
        kv = refs.gguf_kv(model, {"tokenizer.ggml.tokens", "tokenizer.ggml.token_type", "tokenizer.ggml.eos_token_id"})
        tokens, types = kv["tokenizer.ggml.tokens"], kv["tokenizer.ggml.token_type"]
        table = refs.piece_table(tokens, types)
        eog = {i for i, t in enumerate(tokens) if t in ("<|im_end|>", "<|endoftext|>")}
        meta = {
            "llama_cpp_source": "PyPI sdist llama-cpp-python==%s (sha256 %s), vendor/llama.cpp" % (refs.LLAMA_CPP_PYTHON, refs.SDIST_SHA),
            "llama_cpp_version": ver,
            "model": "random-archs/%s.gguf (scripts/make-random-architectures.py)" % arch,
            "model_bytes": os.path.getsize(model),
            "model_sha256": refs.sha256(model),
            "command": "llama-completion -m MODEL -p PROMPT " + " ".join(ARGS),
            "prompt_ids_command": "llama-tokenize -m MODEL -f PROMPTFILE --ids --no-escape --log-disable",
        }
        cases = []
        for p in PROMPTS:
            ids, text, stop, _ = refs.generate(bins, model, p, table, eog)
            cases.append({"prompt": p, "prompt_ids": refs.tokenize(bins, model, p), "ids": ids, "text": text, "stop": stop})
            print("%s %-30r -> %r" % (arch, p[:30], text[:70]))
        with open(os.path.join(OUT, arch + ".json"), "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "cases": cases}, f, ensure_ascii=False, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
