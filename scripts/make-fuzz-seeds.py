#!/usr/bin/env python3
"""Seed corpora for the fuzz targets (Fuzz/), cut down from the real files that
scripts/fetch-models.sh fetches: small enough that one run of a target takes microseconds,
real enough that the fuzzer starts from the structures it must handle.

    scripts/make-fuzz-seeds.py OUT_DIR

Writes OUT_DIR/<target>/<seed>. Plain Python (no numpy)."""
import json, os, struct, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MODELS = os.path.join(ROOT, ".cache", "models")
SMOLLM = os.path.join(MODELS, "smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
MINILM = os.path.join(MODELS, "all-MiniLM-L6-v2")
GPT2 = os.path.join(MODELS, "gpt2")
FIXTURES = os.path.join(ROOT, "Tests", "ModelTests", "Fixtures")
CORPUS = os.path.join(ROOT, "Tests", "TokenizerTests", "Fixtures", "corpus.txt")


def write(out, target, name, data):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    with open(os.path.join(out, target, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# --- GGUF: a minimal reader and writer --------------------------------------------------------
SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def read_gguf_metadata(path):
    with open(path, "rb") as f:
        data = f.read(8 << 20)  # the metadata of a small model fits in the first 8 MB
    pos = 4
    version, n_tensors, n_kv = struct.unpack_from("<IQQ", data, pos)
    pos += 20

    def string():
        nonlocal pos
        (n,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        s = data[pos:pos + n].decode("utf-8", "replace")
        pos += n
        return s

    def value(kind):
        nonlocal pos
        if kind == 8:
            return string()
        if kind == 9:
            (elem,) = struct.unpack_from("<I", data, pos)
            (n,) = struct.unpack_from("<Q", data, pos + 4)
            pos += 12
            return (elem, [value(elem) for _ in range(n)])
        fmt = SCALARS[kind]
        (v,) = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return v

    metadata = []
    for _ in range(n_kv):
        key = string()
        (kind,) = struct.unpack_from("<I", data, pos)
        pos += 4
        metadata.append((key, kind, value(kind)))
    return metadata


def encode_value(kind, v):
    if kind == 8:
        b = v.encode()
        return struct.pack("<Q", len(b)) + b
    if kind == 9:
        elem, items = v
        return struct.pack("<IQ", elem, len(items)) + b"".join(encode_value(elem, x) for x in items)
    return struct.pack(SCALARS[kind], v)


def gguf(metadata, tensors, alignment=32):
    """tensors: (name, ggml dims ne0 first, ggml type, data bytes)."""
    out = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(metadata))
    for key, kind, v in metadata:
        out += encode_value(8, key) + struct.pack("<I", kind) + encode_value(kind, v)
    offset, infos, blobs = 0, b"", b""
    for name, dims, kind, data in tensors:
        infos += encode_value(8, name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", kind, offset)
        padded = data + b"\0" * (-len(data) % alignment)
        blobs += padded
        offset += len(padded)
    out += infos
    out += b"\0" * (-len(out) % alignment)
    return out + blobs


BLOCK = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 8: (32, 34)}  # type: (elements, bytes) per block


def tensor_bytes(kind, count, seed):
    elements, size = BLOCK[kind]
    n = count // elements * size
    if kind == 0:
        return b"".join(struct.pack("<f", ((i * 7 + seed) % 13 - 6) / 10) for i in range(count))
    # Half-precision scales of 0.01 (0x211f) keep quantized blocks finite.
    blob = bytearray((i * 31 + seed) % 251 for i in range(n))
    if kind in (2, 3, 8):
        for b in range(0, n, size):
            blob[b:b + 2] = b"\x1f\x21"
            if kind == 3:
                blob[b + 2:b + 4] = b"\x1f\x21"
    return bytes(blob)


def gguf_seeds(out):
    metadata = read_gguf_metadata(SMOLLM)
    by_key = {k: (kind, v) for k, kind, v in metadata}
    tokens = by_key["tokenizer.ggml.tokens"][1][1]
    types = by_key["tokenizer.ggml.token_type"][1][1]
    merges = by_key["tokenizer.ggml.merges"][1][1]
    n = 300
    kept = set(tokens[:n])
    small_merges = [m for m in merges if " " in m[1:] and m.split(" ", 1)[0] in kept
                    and m.split(" ", 1)[1] in kept and m.replace(" ", "", 1) in kept][:300]
    e, f, layers = 32, 64, 2
    meta = [
        ("general.architecture", 8, "llama"), ("general.name", 8, "fuzz seed"),
        ("llama.block_count", 4, layers), ("llama.context_length", 4, 64),
        ("llama.embedding_length", 4, e), ("llama.feed_forward_length", 4, f),
        ("llama.attention.head_count", 4, 4), ("llama.attention.head_count_kv", 4, 2),
        ("llama.rope.freq_base", 6, 10000.0), ("llama.attention.layer_norm_rms_epsilon", 6, 1e-5),
        ("general.alignment", 4, 32),
        ("tokenizer.ggml.model", 8, "gpt2"), ("tokenizer.ggml.pre", 8, "smollm"),
        ("tokenizer.ggml.tokens", 9, (8, tokens[:n])), ("tokenizer.ggml.token_type", 9, (5, types[:n])),
        ("tokenizer.ggml.merges", 9, (8, small_merges)),
        ("tokenizer.ggml.bos_token_id", 4, 1), ("tokenizer.ggml.eos_token_id", 4, 2),
        ("tokenizer.ggml.add_bos_token", 7, False),
        ("tokenizer.chat_template", 8, by_key["tokenizer.chat_template"][1]),
    ]
    tensors = [("token_embd.weight", [e, n], 8, tensor_bytes(8, e * n, 1)),
               ("output_norm.weight", [e], 0, tensor_bytes(0, e, 2))]
    for layer in range(layers):
        b = f"blk.{layer}."
        tensors += [
            (b + "attn_norm.weight", [e], 0, tensor_bytes(0, e, 3)),
            (b + "attn_q.weight", [e, e], 3, tensor_bytes(3, e * e, 4)),
            (b + "attn_k.weight", [e, 16], 2, tensor_bytes(2, e * 16, 5)),
            (b + "attn_v.weight", [e, 16], 1, tensor_bytes(1, e * 16, 6)),
            (b + "attn_output.weight", [e, e], 8, tensor_bytes(8, e * e, 7)),
            (b + "ffn_norm.weight", [e], 0, tensor_bytes(0, e, 8)),
            (b + "ffn_gate.weight", [e, f], 3, tensor_bytes(3, e * f, 9)),
            (b + "ffn_up.weight", [e, f], 3, tensor_bytes(3, e * f, 10)),
            (b + "ffn_down.weight", [f, e], 1, tensor_bytes(1, e * f, 11)),
        ]
    write(out, "gguf", "smollm2-small.gguf", gguf(meta, tensors))
    write(out, "gguf", "metadata-only.gguf", gguf(meta[:12], []))
    with open(SMOLLM, "rb") as f:
        write(out, "gguf", "smollm2-head.gguf", f.read(4096))
    # The encode target loads the small GGUF's tokenizer; the chat-template target starts from
    # the real template.
    write(out, "chat-template", "smollm2.jinja", by_key["tokenizer.chat_template"][1])


def text_seeds(out, target):
    with open(CORPUS, encoding="utf-8") as f:
        lines = [line for line in f.read().split("\n") if line]
    for i, line in enumerate(lines[:40]):
        write(out, target, f"corpus-{i}", line)
    write(out, target, "no-spaces", "a" * 300 + "Ġ" * 20 + "1234567890" * 5)
    write(out, target, "specials", "<|im_start|>user\nhi<|im_end|>\n[CLS] x [SEP] <|endoftext|>")


def tokenizer_seeds(out):
    with open(os.path.join(GPT2, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(GPT2, "merges.txt"), encoding="utf-8") as f:
        merge_lines = [line for line in f.read().split("\n")[1:] if line][:120]
    small = {}
    for token, _ in sorted(vocab.items(), key=lambda kv: kv[1])[:256]:
        small[token] = len(small)
    for line in merge_lines:
        left, right = line.split(" ")
        if left in small and right in small and left + right not in small:
            small[left + right] = len(small)
    merges = [m for m in merge_lines if all(p in small for p in m.split(" ")) and m.replace(" ", "") in small]
    small["<|endoftext|>"] = len(small)
    vocab_json = json.dumps(small, ensure_ascii=False)
    merges_txt = "#version: 0.2\n" + "\n".join(merges) + "\n"
    write(out, "vocab-merges", "gpt2-small", vocab_json + "\0" + merges_txt)
    bpe = {"version": "1.0", "added_tokens": [{"id": small["<|endoftext|>"], "content": "<|endoftext|>", "special": True}],
           "normalizer": None, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False},
           "model": {"type": "BPE", "vocab": small, "merges": merges}}
    write(out, "tokenizer-json", "gpt2-small.json", json.dumps(bpe, ensure_ascii=False))
    bpe["model"]["merges"] = [m.split(" ") for m in merges]
    write(out, "tokenizer-json", "gpt2-small-pairs.json", json.dumps(bpe, ensure_ascii=False))

    with open(os.path.join(MINILM, "tokenizer.json"), encoding="utf-8") as f:
        wordpiece = json.load(f)
    items = sorted(wordpiece["model"]["vocab"].items(), key=lambda kv: kv[1])[:300]
    wordpiece["model"]["vocab"] = dict(items)
    wordpiece["added_tokens"] = [t for t in wordpiece["added_tokens"] if t["id"] < 300]
    wordpiece["truncation"] = None
    wordpiece["padding"] = None
    write(out, "tokenizer-json", "minilm-small.json", json.dumps(wordpiece, ensure_ascii=False))

    with open(os.path.join(MINILM, "vocab.txt"), encoding="utf-8") as f:
        write(out, "vocab-txt", "minilm-small.txt", "\n".join(f.read().split("\n")[:300]) + "\n")


def config_seeds(out):
    for folder in ["bert-mlm", "bert-classifier", "bert-mlm-f16"]:
        with open(os.path.join(FIXTURES, folder, "config.json"), "rb") as f:
            write(out, "config", folder + ".json", f.read())
    for name in ["config.json", "modules.json", "tokenizer_config.json", "1_Pooling/config.json"]:
        with open(os.path.join(MINILM, name), "rb") as f:
            write(out, "config", "minilm-" + name.replace("/", "-"), f.read())
    write(out, "config", "gpt2.json", json.dumps({"model_type": "gpt2", "vocab_size": 50257, "n_positions": 1024,
                                                    "n_embd": 768, "n_layer": 12, "n_head": 12, "n_inner": None}))
    write(out, "config", "shard-index.json", json.dumps({"metadata": {"total_size": 100},
                                                          "weight_map": {"a.weight": "model-00001-of-00002.safetensors",
                                                                         "b.weight": "model-00002-of-00002.safetensors"}}))


def safetensors_seeds(out):
    for folder in ["bert-mlm", "bert-mlm-f16"]:
        with open(os.path.join(FIXTURES, folder, "model.safetensors"), "rb") as f:
            write(out, "safetensors", folder + ".safetensors", f.read())
    with open(os.path.join(MINILM, "model.safetensors"), "rb") as f:
        head = f.read(8)
        (length,) = struct.unpack("<Q", head)
        write(out, "safetensors", "minilm-header.safetensors", head + f.read(length))


def main():
    out = sys.argv[1]
    gguf_seeds(out)
    tokenizer_seeds(out)
    config_seeds(out)
    safetensors_seeds(out)
    for target in ["encode-gpt2", "encode-gguf", "encode-wordpiece", "chat-template"]:
        text_seeds(out, target)


if __name__ == "__main__":
    main()
