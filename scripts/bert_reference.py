#!/usr/bin/env python3
"""Independent float64 reference for VulkanLM's BERT: numpy only for the model (safetensors
headers parsed by hand, no torch), Hugging Face `tokenizers` for the MiniLM token ids.

Writes, under OUT (default Tests/ModelTests/Fixtures):
  minilm-embeddings.json   all-MiniLM-L6-v2 sentence embeddings (mean pooling over non-padding
                           tokens, then L2 normalisation), with the token ids of each sentence.
  random-heads.json        masked-LM and sequence-classification logits of the small random
                           checkpoints in OUT/bert-mlm, OUT/bert-mlm-f16 and OUT/bert-classifier
                           (made by scripts/make-random-checkpoints.py, committed as fixtures).

Each sentence runs alone (no padding), so the reference also checks that the Swift model's
padding mask makes a padded batch equal to one-at-a-time runs.

The random checkpoints in Fixtures/ were made with
  scripts/make-random-checkpoints.py /tmp/rc && scripts/make-random-checkpoints.py /tmp/rc16 --f16
  cp -r /tmp/rc/bert-mlm /tmp/rc/bert-classifier Tests/ModelTests/Fixtures/
  cp -r /tmp/rc16/bert-mlm Tests/ModelTests/Fixtures/bert-mlm-f16

Usage: bert_reference.py [--minilm DIR] [--out DIR] [--skip-minilm]
Needs numpy; `tokenizers` for the MiniLM part (pip install tokenizers, in a venv).
"""
import argparse
import json
import math
import os
import struct

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SENTENCES = [
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "A monkey is playing drums.",
    "Hi",
    "The quick brown fox jumps over the lazy dog.",
    "A woman is playing the violin in a crowded subway station.",
    "Two children are building a sandcastle on the beach.",
    "Vulkan is a low-overhead, cross-platform API for 3D graphics and computing.",
    "Sentence embeddings map text to vectors so that similar meanings lie close together.",
    "It's raining cats and dogs!",
    "What time is it?",
    "Der schnelle braune Fuchs springt über den faulen Hund.",
    "Café naïve résumé — déjà vu.",
    "1234567890 3.14159 e=mc^2",
    "unbelievably antidisestablishmentarianism",
    "The stock market fell sharply on Tuesday after the central bank raised interest rates "
    "by half a percentage point, the largest increase in more than two decades.",
    "A cat sits on the mat.",
    "Someone is slicing a tomato in the kitchen.",
    "Paris is the capital of France.",
    "Machine learning models can run on GPUs through compute shaders.",
    "東京は日本の首都です。",
    "Ok.",
]

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """name → float64 array (bf16 widened by hand); non-float buffers are skipped."""
    with open(path, "rb") as file:
        data = file.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = data[base + begin:base + end]
        if entry["dtype"] == "BF16":
            array = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif entry["dtype"] in ("F32", "F16", "F64"):
            array = np.frombuffer(raw, dtype=np.dtype(DTYPES[entry["dtype"]]).newbyteorder("<"))
        else:
            continue
        tensors[name] = array.astype(np.float64).reshape(entry["shape"])
    return tensors


def canonical(tensors):
    """Drops the `bert.` prefix and renames legacy gamma/beta, as the Swift loader does."""
    out = {}
    for name, array in tensors.items():
        if name.startswith("bert."):
            name = name[len("bert."):]
        if "LayerNorm" in name:
            name = name.replace(".gamma", ".weight").replace(".beta", ".bias")
        out[name] = array
    return out


_erf = np.frompyfunc(math.erf, 1, 1)


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


def layer_norm(x, w, name, eps):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w[name + ".weight"] + w[name + ".bias"]


def linear(x, w, name):
    return x @ w[name + ".weight"].T + w[name + ".bias"]


def encoder(w, config, ids):
    """Hidden states [T, hidden] of one unpadded sequence (token type 0 throughout)."""
    eps = config.get("layer_norm_eps", 1e-12)
    heads = config["num_attention_heads"]
    t = len(ids)
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:t]
         + w["embeddings.token_type_embeddings.weight"][0])
    x = layer_norm(x, w, "embeddings.LayerNorm", eps)
    d = x.shape[1] // heads
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        q, k, v = (linear(x, w, p + "attention.self." + n).reshape(t, heads, d).transpose(1, 0, 2)
                   for n in ("query", "key", "value"))
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(t, heads * d)
        x = layer_norm(linear(context, w, p + "attention.output.dense") + x, w, p + "attention.output.LayerNorm", eps)
        inner = gelu(linear(x, w, p + "intermediate.dense"))
        x = layer_norm(linear(inner, w, p + "output.dense") + x, w, p + "output.LayerNorm", eps)
    return x


def mlm_logits(w, config, hidden):
    eps = config.get("layer_norm_eps", 1e-12)
    h = gelu(linear(hidden, w, "cls.predictions.transform.dense"))
    h = layer_norm(h, w, "cls.predictions.transform.LayerNorm", eps)
    return h @ w["embeddings.word_embeddings.weight"].T + w["cls.predictions.bias"]


def classifier_logits(w, hidden):
    pooled = np.tanh(linear(hidden[0], w, "pooler.dense"))
    return linear(pooled, w, "classifier")


def load_model(folder):
    with open(os.path.join(folder, "config.json")) as file:
        config = json.load(file)
    return config, canonical(read_safetensors(os.path.join(folder, "model.safetensors")))


def minilm(folder, max_length):
    from tokenizers import Tokenizer  # only this part needs it

    tokenizer = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length)
    config, w = load_model(folder)
    cases = []
    for text in SENTENCES:
        ids = tokenizer.encode(text).ids
        hidden = encoder(w, config, ids)
        pooled = hidden.mean(0)
        embedding = pooled / max(np.linalg.norm(pooled), 1e-12)
        cases.append({"text": text, "ids": ids, "embedding": [round(float(v), 9) for v in embedding]})
    return {"model": "sentence-transformers/all-MiniLM-L6-v2", "maxLength": max_length, "sentences": cases}


# Token ids for the random checkpoints (vocab 101, 40 positions): different lengths, so a batch pads.
HEAD_INPUTS = [[2, 17, 45, 99, 3], [2, 60, 3], [2, 5, 6, 7, 8, 9, 10, 11, 12, 100, 0, 3]]


def random_heads(out):
    result = {}
    for name in ("bert-mlm", "bert-mlm-f16", "bert-classifier"):
        folder = os.path.join(out, name)
        if not os.path.isdir(folder):
            continue
        config, w = load_model(folder)
        cases = []
        for ids in HEAD_INPUTS:
            hidden = encoder(w, config, ids)
            logits = mlm_logits(w, config, hidden) if "mlm" in name else classifier_logits(w, hidden)
            cases.append({"ids": ids, "logits": [round(float(v), 9) for v in logits.reshape(-1)],
                          "shape": list(logits.shape)})
        result[name] = cases
    return result


def write_json(path, value):
    with open(path, "w") as file:
        json.dump(value, file, indent=1, ensure_ascii=False)
        file.write("\n")
    print("wrote", path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minilm", default=os.path.join(REPO, ".cache/models/all-MiniLM-L6-v2"))
    parser.add_argument("--out", default=os.path.join(REPO, "Tests/ModelTests/Fixtures"))
    parser.add_argument("--max-length", type=int, default=256,
                        help="truncation length (sentence_bert_config.json's max_seq_length)")
    parser.add_argument("--skip-minilm", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    write_json(os.path.join(args.out, "random-heads.json"), random_heads(args.out))
    if not args.skip_minilm:
        write_json(os.path.join(args.out, "minilm-embeddings.json"), minilm(args.minilm, args.max_length))


if __name__ == "__main__":
    main()
