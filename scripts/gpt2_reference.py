#!/usr/bin/env python3
"""Independent float64 GPT-2 reference: last-position logits and greedy continuations.

Written from the GPT-2 definition (picoGPT-style), sharing no code with the Swift model. Needs
only numpy: the safetensors file is read by parsing its header here (8-byte little-endian
length, JSON, raw little-endian data). No KV cache: every step recomputes the whole sequence,
so the Swift cache is checked against something that has none.

Usage: gpt2_reference.py MODEL_DIR --prompt 1,2,3 [--prompt 4,5] [--steps 32]
Prints JSON: {"config": ..., "cases": [{"prompt", "logits", "greedy", "min_top2_gap"}]}.
"""
import argparse
import json
import os
import struct

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as file:
        data = file.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[start + begin:start + end], dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        tensors[name.removeprefix("transformer.")] = array.reshape(entry["shape"]).astype(np.float64)
    return tensors


def layer_norm(x, gamma, beta, eps):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * gamma + beta


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def forward(w, config, ids):
    """Logits of every position of `ids`."""
    n, heads, eps = len(ids), config["n_head"], config.get("layer_norm_epsilon", 1e-5)
    x = w["wte.weight"][ids] + w["wpe.weight"][np.arange(n)]
    mask = np.triu(np.full((n, n), -np.inf), k=1)
    for layer in range(config["n_layer"]):
        h = f"h.{layer}."
        a = layer_norm(x, w[h + "ln_1.weight"], w[h + "ln_1.bias"], eps)
        q, k, v = np.split(a @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"], 3, axis=-1)
        size = q.shape[-1] // heads
        outputs = []
        for head in range(heads):
            cols = slice(head * size, (head + 1) * size)
            scores = q[:, cols] @ k[:, cols].T / np.sqrt(size) + mask
            outputs.append(softmax(scores) @ v[:, cols])
        x = x + np.concatenate(outputs, axis=-1) @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"]
        m = layer_norm(x, w[h + "ln_2.weight"], w[h + "ln_2.bias"], eps)
        m = gelu_tanh(m @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"])
        x = x + m @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"]
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--prompt", action="append", required=True, help="comma-separated token ids")
    parser.add_argument("--steps", type=int, default=32)
    args = parser.parse_args()
    with open(os.path.join(args.model, "config.json")) as file:
        config = json.load(file)
    weights = read_safetensors(os.path.join(args.model, "model.safetensors"))
    cases = []
    for prompt in args.prompt:
        ids = [int(t) for t in prompt.split(",")]
        logits = forward(weights, config, ids)[-1]
        sequence, gaps = list(ids), []
        for _ in range(args.steps):
            step = forward(weights, config, sequence)[-1]
            top2 = np.sort(step)[-2:]
            gaps.append(float(top2[1] - top2[0]))
            sequence.append(int(np.argmax(step)))
        cases.append({"prompt": ids, "logits": [float(v) for v in logits],
                      "greedy": sequence[len(ids):], "min_top2_gap": min(gaps)})
    keys = ["vocab_size", "n_positions", "n_embd", "n_layer", "n_head"]
    print(json.dumps({"config": {k: config[k] for k in keys}, "cases": cases}))


if __name__ == "__main__":
    main()
