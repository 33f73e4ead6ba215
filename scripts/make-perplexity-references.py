#!/usr/bin/env python3
"""Writes Tests/LlamaTests/Fixtures/perplexity.json: llama.cpp's perplexity (llama-perplexity from
scripts/build-llama-cpp.sh) of the committed text Tests/LlamaTests/Fixtures/perplexity.txt under
each GGUF file given, at each context size, so the tests can hold `vulkanlm perplexity` to it.
Standard library only.

The text: 391 prose lines (Python standard-library docstrings, PSF-licensed) taken from the
tokenizer corpus Tests/TokenizerTests/Fixtures/corpus.txt: lines of plain ASCII prose with at
least eight words, in corpus order, up to 60 kB.

  llama-perplexity -m MODEL -f perplexity.txt -c C --chunks N -t 2 -b C -fa off   -> "perplexity"
  llama-perplexity ... (flash attention on, llama.cpp's CPU default)        -> "perplexity_flash_attention"

VulkanLM's attention computes what llama.cpp's non-flash path computes (softmax in f32 over
f16-rounded K/V); llama.cpp's flash-attention kernel accumulates V in f16, which moves its own
perplexity by ~1% on short chunks (SmolLM2 Q4_1, c=128, first chunk: 37.50 with it, 36.52
without). The tests compare with the first; both are kept so the gap stays visible.

Usage: scripts/make-perplexity-references.py [--chunks N] [--contexts 64,128,512] MODEL.gguf ...
Prints the table and merges the entries into the fixture (keyed by file name, context, chunks).
"""
import argparse, hashlib, json, os, re, subprocess, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = os.path.join(REPO, "Tests/LlamaTests/Fixtures/perplexity.txt")
OUT = os.path.join(REPO, "Tests/LlamaTests/Fixtures/perplexity.json")
BIN = os.path.join(REPO, ".cache/llama.cpp-build/bin/llama-perplexity")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run(model, context, chunks, flash):
    command = [BIN, "-m", model, "-f", TEXT, "-c", str(context), "--chunks", str(chunks), "-t", "2",
               "-b", str(context), "-fa", "on" if flash else "off"]
    result = subprocess.run(command, capture_output=True, text=True)
    output = result.stdout + result.stderr
    final = re.search(r"Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+)", output)
    if result.returncode != 0 or not final:
        sys.exit("llama-perplexity failed on %s -c %d:\n%s" % (model, context, output[-2000:]))
    running = [float(v) for v in re.findall(r"\[\d+\]([0-9.]+),", output)]
    return {"perplexity": float(final.group(1)), "uncertainty": float(final.group(2)), "running": running,
            "command": "llama-perplexity -m MODEL -f perplexity.txt -c %d --chunks %d -t 2 -b %d -fa %s"
                       % (context, chunks, context, "on" if flash else "off")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="+")
    ap.add_argument("--chunks", type=int, default=4)
    ap.add_argument("--contexts", default="128")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("missing %s: run scripts/build-llama-cpp.sh" % BIN)
    fixture = json.load(open(OUT)) if os.path.exists(OUT) else {"entries": []}
    fixture["source"] = "llama-perplexity from the llama-cpp-python 0.3.36 sdist (scripts/make-perplexity-references.py)"
    fixture["text_sha256"] = sha256(TEXT)
    for model in a.models:
        name, digest = os.path.basename(model), sha256(model)
        for context in [int(c) for c in a.contexts.split(",")]:
            entry = {"file": name, "sha256": digest, "context": context, "chunks": a.chunks}
            entry.update(run(model, context, a.chunks, flash=False))
            flash = run(model, context, a.chunks, flash=True)
            entry["perplexity_flash_attention"] = flash["perplexity"]
            entry["running_flash_attention"] = flash["running"]
            fixture["entries"] = [e for e in fixture["entries"]
                                  if (e["file"], e["context"], e["chunks"]) != (name, context, a.chunks)] + [entry]
            print("%-40s c=%-4d chunks=%d  PPL %.4f +/- %.4f (flash attention: %.4f)"
                  % (name, context, a.chunks, entry["perplexity"], entry["uncertainty"], entry["perplexity_flash_attention"]))
    fixture["entries"].sort(key=lambda e: (e["file"], e["context"], e["chunks"]))
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
