#!/usr/bin/env python3
"""Writes a random-weight Llama-family GGUF file of a real model's shape, in any weight type
VulkanLM computes with, without the real weights: for memory and speed tests here and on GPU
machines where real weights cannot travel. The text it generates is gibberish; the point is the
shapes, the types and the bytes.

Quantized tensors are random block bytes with sane f16 super-scales (every quant and sub-scale
random, d small, so values stay near ±1); F32/F16 tensors are small normal values; norms are 1.
The tokenizer is SmolLM2's (fetched by scripts/fetch-models.sh), padded with unused tokens up to
the shape's vocabulary, so llama.cpp and VulkanLM both load and tokenize the file.

  --shape   llama-3-8b | llama-3.2-1b | llama-3.2-3b | qwen2.5-0.5b | qwen2.5-7b | smollm2-135m | tiny
  --type    F32 F16 Q8_0 Q4_0 Q4_1 Q5_0 Q5_1 Q2_K Q3_K Q4_K Q5_K Q6_K IQ4_NL IQ4_XS, or a mix as
            llama-quantize makes it: Q4_K_M, Q5_K_M, Q3_K_M (attn_v / ffn_down of some layers and the
            output one step up; rows that cannot hold 256-element super-blocks fall back to Q5_0 / Q8_0)

Usage: scripts/make-random-gguf.py OUT.gguf --shape llama-3.2-1b --type Q4_K_M [--seed 1] [--layers N]
Needs numpy and gguf-py (taken from the llama.cpp source of scripts/build-llama-cpp.sh).
"""
import argparse, os, sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, ".cache/llama.cpp-src/gguf-py"))
import numpy as np  # noqa: E402
import gguf  # noqa: E402
from gguf import GGMLQuantizationType as T  # noqa: E402

# name: (arch, vocab, embedding, layers, heads, kv heads, ffn, context, rope base, tied output)
SHAPES = {
    "llama-3-8b": ("llama", 128256, 4096, 32, 32, 8, 14336, 8192, 500000.0, False),
    "llama-3.2-1b": ("llama", 128256, 2048, 16, 32, 8, 8192, 131072, 500000.0, True),
    "llama-3.2-3b": ("llama", 128256, 3072, 28, 24, 8, 8192, 131072, 500000.0, True),
    "qwen2.5-0.5b": ("llama", 151936, 896, 24, 14, 2, 4864, 32768, 1000000.0, True),
    "qwen2.5-7b": ("llama", 152064, 3584, 28, 28, 4, 18944, 32768, 1000000.0, False),
    "smollm2-135m": ("llama", 49152, 576, 30, 9, 3, 1536, 8192, 100000.0, True),
    "tiny": ("llama", 49152, 256, 2, 4, 2, 512, 2048, 10000.0, True),
}
# Bytes per block, elements per block, offsets of the f16 super-scales (ggml-common.h).
BLOCKS = {
    T.Q4_0: (18, 32, [0]), T.Q4_1: (20, 32, [0, 2]), T.Q5_0: (22, 32, [0]), T.Q5_1: (24, 32, [0, 2]),
    T.Q8_0: (34, 32, [0]), T.Q2_K: (84, 256, [80, 82]), T.Q3_K: (110, 256, [108]), T.Q4_K: (144, 256, [0, 2]),
    T.Q5_K: (176, 256, [0, 2]), T.Q6_K: (210, 256, [208]), T.IQ4_NL: (18, 32, [0]), T.IQ4_XS: (136, 256, [0]),
}
# Mixes as llama-quantize's llama_tensor_get_type makes them (simplified): (base, "more bits" type).
MIXES = {"Q4_K_M": (T.Q4_K, T.Q6_K), "Q5_K_M": (T.Q5_K, T.Q6_K), "Q3_K_M": (T.Q3_K, T.Q5_K)}


def tensor_type(kind, name, layer, layers, columns):
    """The type of one weight matrix with rows of `columns` elements."""
    if kind in MIXES:
        base, more = MIXES[kind]
        if name == "output":
            chosen = T.Q6_K
        elif name in ("attn_v", "ffn_down") and (layer < layers // 8 or layer >= 7 * layers // 8 or (layer - layers // 8) % 3 == 2):
            chosen = more
        else:
            chosen = base
    else:
        chosen = T[kind]
    if chosen in BLOCKS and columns % BLOCKS[chosen][1] != 0:
        # llama-quantize's fallback for rows that hold no whole super-block.
        chosen = {T.Q2_K: T.Q4_0, T.Q3_K: T.Q4_0, T.Q4_K: T.Q5_0, T.Q5_K: T.Q5_1, T.Q6_K: T.Q8_0,
                  T.IQ4_XS: T.IQ4_NL}.get(chosen, T.F16)
    return chosen


def random_tensor(rng, qtype, rows, columns):
    if qtype == T.F32:
        return (rng.standard_normal((rows, columns), dtype=np.float32) * 0.02).astype(np.float32)
    if qtype == T.F16:
        return (rng.standard_normal((rows, columns), dtype=np.float32) * 0.02).astype(np.float16)
    nbytes, size, halves = BLOCKS[qtype]
    blocks = rows * columns // size
    data = rng.integers(0, 256, size=(blocks, nbytes), dtype=np.uint8)
    scale = np.float16(0.002 if size == 256 else 0.01)
    for index, offset in enumerate(halves):
        value = scale if index == 0 else np.float16(-2 * float(scale))
        data[:, offset:offset + 2] = np.frombuffer(value.tobytes(), dtype=np.uint8)
    return data.reshape(rows, columns // size * nbytes)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--shape", choices=sorted(SHAPES), required=True)
    ap.add_argument("--type", default="Q4_K_M")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--layers", type=int, help="override the layer count (smaller files of the same widths)")
    ap.add_argument("--tokenizer", default=os.path.join(REPO, ".cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    a = ap.parse_args()
    arch, vocab, e, layers, heads, kv_heads, ffn, context, rope_base, tied = SHAPES[a.shape]
    layers = a.layers or layers
    head_dim = e // heads
    rng = np.random.default_rng(a.seed)

    source = gguf.GGUFReader(a.tokenizer)
    def field(key):
        f = source.fields[key]
        return [f.contents(i) for i in range(len(f.data))] if len(f.data) > 1 or key.endswith(("tokens", "token_type", "merges")) else f.contents()
    tokens = list(field("tokenizer.ggml.tokens"))
    types = list(field("tokenizer.ggml.token_type"))
    if len(tokens) > vocab:
        sys.exit("the tokenizer has %d tokens, more than the shape's vocabulary %d" % (len(tokens), vocab))
    tokens += ["<|random_unused_%d|>" % i for i in range(vocab - len(tokens))]
    types += [gguf.TokenType.UNUSED] * (vocab - len(types))

    w = gguf.GGUFWriter(a.out, arch)
    w.add_name("random %s %s" % (a.shape, a.type))
    w.add_context_length(context)
    w.add_embedding_length(e)
    w.add_block_count(layers)
    w.add_feed_forward_length(ffn)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    w.add_rope_freq_base(rope_base)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(head_dim)
    w.add_vocab_size(vocab)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(bytes(source.fields["tokenizer.ggml.pre"].parts[-1]).decode() if "tokenizer.ggml.pre" in source.fields else "default")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(list(field("tokenizer.ggml.merges")))
    for key, add in (("tokenizer.ggml.bos_token_id", w.add_bos_token_id), ("tokenizer.ggml.eos_token_id", w.add_eos_token_id)):
        if key in source.fields:
            add(int(source.fields[key].parts[-1][0]))

    plan = [("token_embd.weight", "token_embd", -1, vocab, e)]
    for i in range(layers):
        b = "blk.%d." % i
        plan += [(b + "attn_norm.weight", "norm", i, 1, e), (b + "attn_q.weight", "attn_q", i, heads * head_dim, e),
                 (b + "attn_k.weight", "attn_k", i, kv_heads * head_dim, e), (b + "attn_v.weight", "attn_v", i, kv_heads * head_dim, e),
                 (b + "attn_output.weight", "attn_output", i, e, heads * head_dim), (b + "ffn_norm.weight", "norm", i, 1, e),
                 (b + "ffn_gate.weight", "ffn_gate", i, ffn, e), (b + "ffn_up.weight", "ffn_up", i, ffn, e),
                 (b + "ffn_down.weight", "ffn_down", i, e, ffn)]
    plan.append(("output_norm.weight", "norm", -1, 1, e))
    if not tied:
        plan.append(("output.weight", "output", -1, vocab, e))

    typed = []
    for name, kind, layer, rows, columns in plan:
        qtype = T.F32 if kind == "norm" else tensor_type(a.type, kind, layer, layers, columns)
        typed.append((name, kind, rows, columns, qtype))
        shape = (columns,) if kind == "norm" else (rows, columns)
        if qtype in (T.F32, T.F16):
            nbytes = rows * columns * (4 if qtype == T.F32 else 2)
            w.add_tensor_info(name, shape, np.dtype(np.float32 if qtype == T.F32 else np.float16), nbytes)
        else:
            nbytes = rows * columns // BLOCKS[qtype][1] * BLOCKS[qtype][0]
            w.add_tensor_info(name, (rows, columns // BLOCKS[qtype][1] * BLOCKS[qtype][0]), np.dtype(np.uint8), nbytes, raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    for name, kind, rows, columns, qtype in typed:
        if kind == "norm":
            w.write_tensor_data(np.ones(columns, dtype=np.float32))
        else:
            w.write_tensor_data(random_tensor(rng, qtype, rows, columns))
    w.close()
    counts = {}
    for *_, qtype in typed:
        counts[qtype.name] = counts.get(qtype.name, 0) + 1
    print("%s: %s %s, %d layers, %s, %.2f GB" % (a.out, a.shape, a.type, layers,
          ", ".join("%d %s" % (v, k) for k, v in sorted(counts.items())), os.path.getsize(a.out) / 1e9))


if __name__ == "__main__":
    main()
