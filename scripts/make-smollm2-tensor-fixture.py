#!/usr/bin/env python3
"""Writes Tests/FormatsTests/Fixtures/smollm2-tensor-rows.json: a few rows (first, middle, last) of
two Q4_1 matrices and the Q8_0 token embedding of the fetched SmolLM2-135M-Instruct.Q4_1.gguf, as
gguf-py (llama.cpp's own Python package: GGUFReader + quants.dequantize) reads them, with the
file's sha256 so the test knows it is looking at the same file.

The f32 values are stored as bit patterns; Tests/FormatsTests/GGUFSmolLM2Tests.swift holds
GGUFFile.floats(named:) to them bit for bit. Needs numpy (for gguf-py); not needed to run the
tests.

Usage: scripts/make-smollm2-tensor-fixture.py [--gguf-py DIR]
  DIR defaults to .cache/llama.cpp-src/gguf-py (scripts/build-llama-cpp.sh puts the source there).
"""
import argparse, hashlib, json, os, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL = os.path.join(REPO, ".cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
OUT = os.path.join(REPO, "Tests/FormatsTests/Fixtures/smollm2-tensor-rows.json")
TENSORS = ["blk.0.attn_q.weight", "blk.29.ffn_down.weight", "token_embd.weight"]

parser = argparse.ArgumentParser()
parser.add_argument("--gguf-py", default=os.path.join(REPO, ".cache/llama.cpp-src/gguf-py"))
args = parser.parse_args()
sys.path.insert(0, args.gguf_py)
import numpy as np                      # noqa: E402
from gguf import GGUFReader             # noqa: E402
from gguf.quants import dequantize      # noqa: E402

sha = hashlib.sha256()
with open(MODEL, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        sha.update(chunk)

reader = GGUFReader(MODEL)
by_name = {t.name: t for t in reader.tensors}
tensors = []
for name in TENSORS:
    t = by_name[name]
    # ne0 (the row length) first in GGUF; t.data is the raw block bytes, one numpy row per matrix row.
    row_length, rows = int(t.shape[0]), int(t.shape[1])
    values = dequantize(t.data, t.tensor_type).reshape(rows, row_length).astype(np.float32)
    picked = {}
    for row in [0, rows // 2, rows - 1]:
        picked[str(row)] = [int(b) for b in values[row].view(np.uint32)]
    tensors.append({"name": name, "type": t.tensor_type.name, "rows": rows, "rowLength": row_length,
                    "rowBits": picked})
    print("%-24s %-5s %d x %d: rows %s" % (name, t.tensor_type.name, rows, row_length, sorted(picked, key=int)))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"file": os.path.basename(MODEL), "sha256": sha.hexdigest(), "tensors": tensors}, f)
    f.write("\n")
print("wrote", OUT)
