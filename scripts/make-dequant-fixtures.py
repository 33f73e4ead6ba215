#!/usr/bin/env python3
"""Writes Tests/ComputeTests/Fixtures/dequantize.json: random blocks of every quantized weight type
VulkanLM computes with, and their f32 values as two independent implementations dequantize them:

  - llama.cpp's own C code: ggml's type_traits[type].to_float (ggml-quants.c dequantize_row_*),
    through a 30-line C program linked against libggml-base.a from scripts/build-llama-cpp.sh;
  - gguf-py's numpy dequantizer (gguf-py/gguf/quants.py, from the same llama.cpp source).

The script fails unless both agree bit for bit; the fixture stores the bytes and the f32 bit
patterns, and Tests/ComputeTests/DequantizeFixtureTests.swift holds VulkanLM's BlockDequantizer
to them exactly. Needs numpy (for gguf-py) and a C compiler; not needed to run the tests.

Usage: scripts/make-dequant-fixtures.py   (after scripts/build-llama-cpp.sh)
"""
import json, os, random, struct, subprocess, sys, tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(REPO, ".cache/llama.cpp-src")
BUILD = os.path.join(REPO, ".cache/llama.cpp-build")
OUT = os.path.join(REPO, "Tests/ComputeTests/Fixtures/dequantize.json")
sys.path.insert(0, os.path.join(SRC, "gguf-py"))
import numpy as np                      # noqa: E402
from gguf import GGMLQuantizationType  # noqa: E402
from gguf.quants import dequantize      # noqa: E402

# name: (ggml number, elements per block, bytes per block, byte offsets of f16 super-scales)
TYPES = {
    "Q4_0": (2, 32, 18, [0]), "Q4_1": (3, 32, 20, [0, 2]), "Q5_0": (6, 32, 22, [0]),
    "Q5_1": (7, 32, 24, [0, 2]), "Q8_0": (8, 32, 34, [0]), "Q2_K": (10, 256, 84, [80, 82]),
    "Q3_K": (11, 256, 110, [108]), "Q4_K": (12, 256, 144, [0, 2]), "Q5_K": (13, 256, 176, [0, 2]),
    "Q6_K": (14, 256, 210, [208]), "IQ4_NL": (20, 32, 18, [0]), "IQ4_XS": (23, 256, 136, [0]),
}
BLOCKS = 6
# Super-scales worth covering: ordinary, negative, tiny (f16 subnormal), large, zero.
SCALES = [0.0123, -0.047, 6.0e-6, 3.5, 0.0, 0.25]

C_PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include "ggml.h"
// argv: type number, element count; stdin: the blocks; stdout: the f32 values.
int main(int argc, char ** argv) {
    int type = atoi(argv[1]); long n = atol(argv[2]);
    size_t bytes = ggml_row_size((enum ggml_type) type, n);
    unsigned char * in = malloc(bytes); float * out = malloc(n * sizeof(float));
    if (fread(in, 1, bytes, stdin) != bytes) return 2;
    ggml_get_type_traits((enum ggml_type) type)->to_float(in, out, n);
    fwrite(out, sizeof(float), n, stdout);
    return 0;
}
"""


def build_c_dequantizer(directory):
    source, binary = os.path.join(directory, "dq.c"), os.path.join(directory, "dq")
    with open(source, "w") as f:
        f.write(C_PROGRAM)
    subprocess.run(["g++", "-x", "c", source, "-x", "none", "-I", os.path.join(SRC, "ggml/include"),
                    os.path.join(BUILD, "ggml/src/libggml-base.a"), "-fopenmp", "-lm", "-lpthread", "-o", binary], check=True)
    return binary


def main():
    rng = random.Random(20261202)
    entries = []
    with tempfile.TemporaryDirectory() as directory:
        c_dequantize = build_c_dequantizer(directory)
        for name, (number, size, nbytes, halves) in TYPES.items():
            data = bytearray(rng.getrandbits(8) for _ in range(BLOCKS * nbytes))
            for block in range(BLOCKS):
                for i, offset in enumerate(halves):
                    scale = SCALES[(block + i) % len(SCALES)]
                    data[block * nbytes + offset:block * nbytes + offset + 2] = struct.pack("<e", scale)
            count = BLOCKS * size
            from_c = subprocess.run([c_dequantize, str(number), str(count)], input=bytes(data),
                                    capture_output=True, check=True).stdout
            from_py = dequantize(np.frombuffer(bytes(data), dtype=np.uint8), GGMLQuantizationType(number))
            from_py = np.asarray(from_py, dtype=np.float32).reshape(-1).tobytes()
            if from_c != from_py:
                a, b = np.frombuffer(from_c, np.float32), np.frombuffer(from_py, np.float32)
                bad = np.nonzero(a.view(np.uint32) != b.view(np.uint32))[0]
                sys.exit("%s: llama.cpp and gguf-py differ at %d elements, first %d: %r vs %r"
                         % (name, len(bad), bad[0], a[bad[0]], b[bad[0]]))
            entries.append({"type": name, "ggml": number, "blocks": BLOCKS, "bytes": bytes(data).hex(),
                            "f32": from_c.hex()})
            print("%-7s %d blocks: llama.cpp == gguf-py, bit for bit" % (name, BLOCKS))
    with open(OUT, "w") as f:
        json.dump({"source": "llama.cpp from the llama-cpp-python 0.3.36 sdist: ggml to_float and gguf-py "
                             "quants.dequantize (made by scripts/make-dequant-fixtures.py)",
                   "entries": entries}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT, REPO))


if __name__ == "__main__":
    main()
