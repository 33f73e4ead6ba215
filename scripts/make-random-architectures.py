#!/usr/bin/env python3
"""Writes small random-weight GGUF files, one per decoder architecture VulkanLM runs
(llama, qwen2, qwen3, gemma2, gemma3, phi3), with the metadata keys and tensor names llama.cpp
expects (gguf-py/gguf/constants.py) and SmolLM2's tokenizer copied from its GGUF; and each again
as <arch>-q4_k_m.gguf, four times wider (k-quant rows are 256 long) with its matrices in the types
llama-quantize's Q4_K_M mix gives them (llama.cpp src/llama-quant.cpp, llama_tensor_get_type):
Q6_K for the output head (or the tied token table) and for attn_v / ffn_down where use_more_bits
says so, Q5_K for a fused attn_qkv, Q4_K for the rest, vectors F32.

Standard library only (no numpy), and deterministic: the same SmolLM2 file gives the same bytes
on every machine, so scripts/fetch-models.sh can make them on a clean machine and the committed
llama.cpp fixtures (Tests/LlamaTests/Fixtures/architectures/*.json, made by
scripts/make-architecture-references.py) record each file's sha256 to check that.

Weights are drawn directly in their stored types (random Q8_0/Q4_0/Q4_1/Q4_K/Q5_K/Q6_K blocks,
f16, f32): no quantizer is involved. The LM head rows (token_embd where the output is tied) of
tokens whose piece is not printable UTF-8 text are zero: those tokens never win, so every
generated token prints as a piece that maps back to exactly one id.

Logit scale: a real model's top logits lie around 15–30; these files aim at a standard deviation
of about 4 over the vocabulary (top logit ≈ 18, expected top-2 gap ≈ 0.9), so an absolute logit
gap means what it means for a real model (and Gemma 2's final soft-cap of 30 is not saturated).

usage: make-random-architectures.py [--smollm2 GGUF] [--out DIR]
"""
import argparse
import hashlib
import math
import os
import random
import struct
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMOLLM2 = os.path.join(REPO, ".cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
FIXTURES = os.path.join(REPO, "Tests/LlamaTests/Fixtures/architectures")
LOGITS = os.path.join(REPO, "Tests/LlamaTests/Fixtures/logits")
PERPLEXITY = os.path.join(REPO, "Tests/LlamaTests/Fixtures/perplexity.json")
ALIGN = 32
F32, F16, Q4_0, Q4_1, Q8_0, Q4_K, Q5_K, Q6_K = 0, 1, 2, 3, 8, 12, 13, 14

# ------------------------------------------------------------------ reading SmolLM2's tokenizer
SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def read_kvs(path):
    """[(key, raw bytes of the whole entry)] and the decoded tokens/types."""
    with open(path, "rb") as f:
        data = f.read(64 << 20)
    pos = 0

    def take(n):
        nonlocal pos
        out = data[pos:pos + n]
        pos += n
        return out

    magic, version, _nt, nkv = struct.unpack("<4sIQQ", take(24))
    assert magic == b"GGUF" and version == 3

    def string():
        (n,) = struct.unpack("<Q", take(8))
        return take(n)

    def value(t):
        if t in SCALAR:
            fmt = SCALAR[t]
            return struct.unpack(fmt, take(struct.calcsize(fmt)))[0]
        if t == 8:
            return string()
        if t == 9:
            et, n = struct.unpack("<IQ", take(12))
            if et in SCALAR:
                size = struct.calcsize(SCALAR[et])
                return list(struct.unpack("<%d%s" % (n, SCALAR[et][1]), take(size * n)))
            return [value(et) for _ in range(n)]
        raise ValueError(t)

    entries, decoded = [], {}
    for _ in range(nkv):
        start = pos
        key = string().decode()
        (t,) = struct.unpack("<I", take(4))
        v = value(t)
        entries.append((key, data[start:pos]))
        decoded[key] = v
    return entries, decoded


def printable_tokens(tokens, types):
    """Ids whose byte-level piece is printable UTF-8 text (not control, not whitespace only)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    decode = {chr(c): b for b, c in zip(bs, cs)}
    good = set()
    for i, (tok, ty) in enumerate(zip(tokens, types)):
        if ty != 1:  # normal tokens only
            continue
        try:
            piece = bytes(decode[c] for c in tok.decode("utf-8")).decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            continue
        if piece.strip() and all(c.isprintable() or c == " " for c in piece):
            good.add(i)
    return good


# ------------------------------------------------------------------ writing
def gguf_string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def kv(key, kind, v):
    out = gguf_string(key)
    if kind == "u32":
        return out + struct.pack("<II", 4, v)
    if kind == "f32":
        return out + struct.pack("<If", 6, v)
    if kind == "str":
        return out + struct.pack("<I", 8) + gguf_string(v)
    if kind == "bool":
        return out + struct.pack("<I?", 7, v)
    raise ValueError(kind)


def f16(x):
    return struct.pack("<e", x)


class Tensors:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.items = []  # (name, shape [rows, cols] or [n], type, bytes)

    def vector(self, name, n, lo, hi):
        vals = [self.rng.uniform(lo, hi) for _ in range(n)]
        self.items.append((name, [n], F32, struct.pack("<%df" % n, *vals)))

    def matrix(self, name, rows, cols, kind, std, zero_rows=None):
        """Elements uniform with standard deviation `std`, stored as `kind`."""
        rng, out = self.rng, bytearray()
        for r in range(rows):
            zero = zero_rows is not None and r in zero_rows
            if kind in (F32, F16):
                a = std * math.sqrt(3)
                vals = [0.0 if zero else rng.uniform(-a, a) for _ in range(cols)]
                out += struct.pack("<%d%s" % (cols, "f" if kind == F32 else "e"), *vals)
                continue
            if kind in (Q4_K, Q5_K, Q6_K):
                for _ in range(cols // 256):
                    out += self.super_block(kind, 0.0 if zero else std * rng.uniform(0.5, 1.5))
                continue
            for _ in range(cols // 32):
                if kind == Q8_0:   # int8 uniform in [-128, 127]: std ≈ 73.9
                    out += f16(0.0 if zero else std / 73.9 * rng.uniform(0.5, 1.5)) + rng.randbytes(32)
                elif kind == Q4_0:  # q − 8 uniform in [-8, 7]: std ≈ 4.61
                    out += f16(0.0 if zero else std / 4.61 * rng.uniform(0.5, 1.5)) + rng.randbytes(16)
                elif kind == Q4_1:  # d·q + m with m = −7.5 d: zero mean
                    d = 0.0 if zero else std / 4.61 * rng.uniform(0.5, 1.5)
                    out += f16(d) + f16(-7.5 * d) + rng.randbytes(16)
        self.items.append((name, [rows, cols], kind, bytes(out)))

    def super_block(self, kind, std):
        """One random k-quant super-block (ggml-common.h's layouts) of about zero mean and
        standard deviation `std`: 6-bit sub-block scales sc of 16–63 and, for Q4_K/Q5_K, minimums
        m ≈ sc·mean(q)·d/dmin, so d·sc·q − dmin·m is centred."""
        rng = self.rng
        if kind == Q6_K:  # ql[128] qh[64] int8 scales[16] f16 d; w = d·sc·(q − 32), q − 32 std ≈ 18.5
            scales = [rng.choice((-1, 1)) * rng.randint(16, 63) for _ in range(16)]
            d = std / (18.5 * 40)
            return rng.randbytes(192) + struct.pack("<16b", *scales) + f16(d)
        levels = 16 if kind == Q4_K else 32  # q uniform in [0, levels): mean (levels − 1)/2
        spread = 4.61 if kind == Q4_K else 9.23
        sc = [rng.randint(16, 63) for _ in range(8)]
        m = [round(c * (levels - 1) / 2 / levels) for c in sc]  # with dmin = levels·d
        d = std / (spread * 40)
        packed = bytearray(12)
        for j in range(4):  # get_scale_min_k4's packing: 6 bits each, high bits of 4–7 in 0–7
            packed[j] = sc[j] | ((sc[j + 4] >> 4) << 6)
            packed[j + 4] = m[j] | ((m[j + 4] >> 4) << 6)
            packed[j + 8] = (sc[j + 4] & 0xF) | ((m[j + 4] & 0xF) << 4)
        head = f16(d) + f16(levels * d) + bytes(packed)
        return head + rng.randbytes(160 if kind == Q5_K else 128)  # Q5_K: qh[32] before qs[128]


def write_gguf(path, kvs, tensors):
    infos, blobs, offset = [], [], 0
    for name, shape, kind, data in tensors.items:
        dims = list(reversed(shape))  # ggml's ne: the contiguous dimension first
        infos.append(gguf_string(name) + struct.pack("<I", len(dims)) + struct.pack("<%dQ" % len(dims), *dims)
                     + struct.pack("<IQ", kind, offset))
        pad = (-len(data)) % ALIGN
        blobs.append(data + b"\0" * pad)
        offset += len(data) + pad
    head = struct.pack("<4sIQQ", b"GGUF", 3, len(infos), len(kvs)) + b"".join(kvs) + b"".join(infos)
    head += b"\0" * ((-len(head)) % ALIGN)
    tmp = path + ".partial"
    with open(tmp, "wb") as f:
        f.write(head)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


# ------------------------------------------------------------------ architectures
# E = 64 wide, 4 query heads, 2 K/V heads. Weights are F32 and F16 (the issue's "random file,
# F32"): llama.cpp rounds activations to Q8 blocks before quantized products, and one rounding
# flip there is a whole quant step (~1% of a block's largest value), so quantized random files
# part from llama.cpp at near-ties far more often; the quantized kernels are checked on SmolLM2.
ARCHS = {
    # Llama 3.x style: rope_freqs.weight and linear RoPE scaling, separate output head.
    "llama": dict(layers=2, head_dim=16, ff=128, embd=F16, output=F32, attn=F16, attn_out=F32, ffn=F32,
                  extra_kv=[("rope.freq_base", "f32", 500000.0), ("rope.scaling.type", "str", "linear"),
                            ("rope.scaling.factor", "f32", 2.0)],
                  rope_freqs=True),
    "qwen2": dict(layers=2, head_dim=16, ff=128, embd=F16, output=F32, attn=F32, attn_out=F32, ffn=F16,
                  extra_kv=[("rope.freq_base", "f32", 1000000.0)], qkv_bias=True),
    "qwen3": dict(layers=2, head_dim=32, ff=128, embd=F16, output=F32, attn=F32, attn_out=F16, ffn=F32,
                  extra_kv=[("rope.freq_base", "f32", 1000000.0), ("attention.key_length", "u32", 32),
                            ("attention.value_length", "u32", 32)], qk_norm=True),
    "gemma2": dict(layers=4, head_dim=16, ff=128, embd=F32, output=None, attn=F32, attn_out=F32, ffn=F16,
                   extra_kv=[("attention.sliding_window", "u32", 8), ("attn_logit_softcapping", "f32", 50.0),
                             ("final_logit_softcapping", "f32", 30.0), ("attention.key_length", "u32", 16),
                             ("attention.value_length", "u32", 16)], post_norms=True, gemma=True),
    "gemma3": dict(layers=6, head_dim=32, ff=128, embd=F32, output=None, attn=F16, attn_out=F32, ffn=F32,
                   extra_kv=[("attention.sliding_window", "u32", 8), ("rope.freq_base", "f32", 1000000.0),
                             ("rope.freq_base_swa", "f32", 10000.0), ("attention.key_length", "u32", 32),
                             ("attention.value_length", "u32", 32)], post_norms=True, qk_norm=True, gemma=True),
    "phi3": dict(layers=2, head_dim=16, ff=128, embd=F16, output=F32, attn=F32, attn_out=F16, ffn=F32,
                 extra_kv=[("rope.scaling.original_context_length", "u32", 2048)], fused=True, long_short=True),
}
EMBD, HEADS, KV_HEADS, CONTEXT = 64, 4, 2, 2048


def use_more_bits(layer, layers):
    """llama-quant.cpp's choice of the layers that get more bits in the _M mixes."""
    return layer < layers // 8 or layer >= 7 * layers // 8 or (layer - layers // 8) % 3 == 2


# The Q4_K_M files: k-quant rows are whole 256-element super-blocks, so E, every head block
# (4 × 64) and the feed-forward width are multiples of 256.
Q4_K_M_SHAPE = dict(embd=256, head_dim=64, ff=512)


def q4_k_m_type(role, layer, layers, tied):
    """llama_tensor_get_type for LLAMA_FTYPE_MOSTLY_Q4_K_M (no experts, no imatrix, not Falcon)."""
    if role == "output" or (role == "token_embd" and tied):
        return Q6_K
    if role in ("attn_v", "ffn_down") and use_more_bits(layer, layers):
        return Q6_K
    return Q5_K if role == "attn_qkv" else Q4_K


def build(arch, spec, tok_entries, good, vocab, q4_k_m=False):
    seed = int(hashlib.sha256(("vulkanlm-random-" + arch + ("-q4_k_m" if q4_k_m else "")).encode()).hexdigest()[:16], 16)
    t = Tensors(seed)
    e, d, ff = EMBD, spec["head_dim"], spec["ff"]
    if q4_k_m:
        e, d, ff = Q4_K_M_SHAPE["embd"], Q4_K_M_SHAPE["head_dim"], Q4_K_M_SHAPE["ff"]
    q_width, kv_width = HEADS * d, KV_HEADS * d
    bad = set(range(vocab)) - good
    tied = spec["output"] is None
    gemma = spec.get("gemma", False)

    def stored(role, layer=0):
        """The stored type of a matrix: the spec's, or the Q4_K_M mix's."""
        if q4_k_m:
            return q4_k_m_type(role, layer, spec["layers"], tied)
        return spec[{"token_embd": "embd", "attn_q": "attn", "attn_k": "attn", "attn_v": "attn", "attn_qkv": "attn",
                     "attn_output": "attn_out"}.get(role, "ffn" if role.startswith("ffn") else role)]

    # Logits of std ≈ 4 at any width: the head's rows scale with 1/√E.
    head_scale = math.sqrt(EMBD / e)
    # Embedding rows: Gemma multiplies them by √E = 8, so they start smaller there.
    embd_std = (0.3 * head_scale) if gemma else 0.5
    if tied:
        # The head is the embedding: its unprintable rows are zero. Final norm weights of both
        # signs (|w| ≈ 6) keep the last token's own embedding from winning every step (a
        # tied head otherwise favours x·x) and give logits of std ≈ 1.7 · √E · 0.3 ≈ 4.
        t.matrix("token_embd.weight", vocab, e, stored("token_embd"), embd_std, zero_rows=bad)
        t.vector("output_norm.weight", e, -2.9, 2.9)
    else:
        t.matrix("token_embd.weight", vocab, e, stored("token_embd"), embd_std)
        t.vector("output_norm.weight", e, 0.8, 1.2)
        # logits: std ≈ 0.5 · √E = 4
        t.matrix("output.weight", vocab, e, stored("output"), 0.5 * head_scale, zero_rows=bad)
    if spec.get("rope_freqs"):
        # Llama 3.1's shape: 1 for the fast pairs rising to 8 for the slow ones.
        vals = [1.0 + 7.0 * i / (d // 2 - 1) for i in range(d // 2)]
        t.items.append(("rope_freqs.weight", [d // 2], F32, struct.pack("<%df" % (d // 2), *vals)))
    if spec.get("long_short"):
        t.vector("rope_factors_short.weight", d // 2, 1.0, 1.5)
        t.vector("rope_factors_long.weight", d // 2, 2.0, 6.0)
    w_std = 1 / math.sqrt(e)
    for i in range(spec["layers"]):
        b = "blk.%d." % i
        t.vector(b + "attn_norm.weight", e, 0.8, 1.2)
        if spec.get("fused"):
            t.matrix(b + "attn_qkv.weight", q_width + 2 * kv_width, e, stored("attn_qkv", i), w_std * 2)
        else:
            t.matrix(b + "attn_q.weight", q_width, e, stored("attn_q", i), w_std * 2)
            t.matrix(b + "attn_k.weight", kv_width, e, stored("attn_k", i), w_std * 2)
            t.matrix(b + "attn_v.weight", kv_width, e, stored("attn_v", i), w_std)
        if spec.get("qkv_bias"):
            t.vector(b + "attn_q.bias", q_width, -0.5, 0.5)
            t.vector(b + "attn_k.bias", kv_width, -0.5, 0.5)
            t.vector(b + "attn_v.bias", kv_width, -0.5, 0.5)
        if spec.get("qk_norm"):
            t.vector(b + "attn_q_norm.weight", d, 0.5, 2.0)
            t.vector(b + "attn_k_norm.weight", d, 0.5, 2.0)
        t.matrix(b + "attn_output.weight", e, q_width, stored("attn_output", i), 1 / math.sqrt(q_width))
        if spec.get("post_norms"):
            t.vector(b + "post_attention_norm.weight", e, 2.0, 4.0)
        t.vector(b + "ffn_norm.weight", e, 0.8, 1.2)
        if spec.get("fused"):
            t.matrix(b + "ffn_up.weight", 2 * ff, e, stored("ffn_up", i), w_std * 2)
        else:
            t.matrix(b + "ffn_gate.weight", ff, e, stored("ffn_gate", i), w_std * 2)
            t.matrix(b + "ffn_up.weight", ff, e, stored("ffn_up", i), w_std)
        t.matrix(b + "ffn_down.weight", e, ff, stored("ffn_down", i), 1 / math.sqrt(ff))
        if spec.get("post_norms"):
            t.vector(b + "post_ffw_norm.weight", e, 2.0, 4.0)

    # general.name must not name the architecture: llama.cpp gives names with "phi3" Phi-3's
    # special-token attributes, which need tokens SmolLM2's vocabulary lacks.
    kvs = [kv("general.architecture", "str", arch), kv("general.name", "str", "vulkanlm random weights"),
           kv("general.alignment", "u32", ALIGN)]
    for key, kind, v in [("context_length", "u32", CONTEXT), ("embedding_length", "u32", e),
                         ("block_count", "u32", spec["layers"]), ("feed_forward_length", "u32", ff),
                         ("attention.head_count", "u32", HEADS), ("attention.head_count_kv", "u32", KV_HEADS),
                         ("attention.layer_norm_rms_epsilon", "f32", 1e-6)] + spec["extra_kv"]:
        if key in ("attention.key_length", "attention.value_length"):
            v = d
        kvs.append(kv(arch + "." + key, kind, v))
    kvs += [raw for key, raw in tok_entries]
    return kvs, t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smollm2", default=SMOLLM2)
    ap.add_argument("--out", default=os.path.join(REPO, ".cache/models/random-archs"))
    ap.add_argument("--only", nargs="*", choices=sorted(ARCHS))
    ap.add_argument("--no-check", action="store_true", help="skip the sha256 check against the fixtures")
    a = ap.parse_args()
    if not os.path.exists(a.smollm2):
        raise SystemExit("missing %s: run scripts/fetch-models.sh" % a.smollm2)
    entries, decoded = read_kvs(a.smollm2)
    tok_entries = [(k, raw) for k, raw in entries if k.startswith("tokenizer.")]
    tokens, types = decoded["tokenizer.ggml.tokens"], decoded["tokenizer.ggml.token_type"]
    good = printable_tokens(tokens, types)
    os.makedirs(a.out, exist_ok=True)
    for arch in a.only or sorted(ARCHS):
        for q4_k_m in (False, True):
            kvs, t = build(arch, ARCHS[arch], tok_entries, good, len(tokens), q4_k_m=q4_k_m)
            name = arch + ("-q4_k_m" if q4_k_m else "")
            path = os.path.join(a.out, name + ".gguf")
            write_gguf(path, kvs, t)
            h = hashlib.sha256(open(path, "rb").read()).hexdigest()
            print("%s: %d bytes, sha256 %s" % (path, os.path.getsize(path), h))
            if not a.no_check:
                check(path, h, name)


def check(path, digest, name):
    """The llama.cpp fixtures were made from one exact file: a different one is an error."""
    import json
    for fixture, remake in [(os.path.join(FIXTURES, name + ".json"), "make-architecture-references.py"),
                            (os.path.join(LOGITS, "random-" + name + ".json"), "make-logit-references.py"),
                            (PERPLEXITY, "make-perplexity-references.py")]:
        if not os.path.exists(fixture):
            continue
        data = json.load(open(fixture, encoding="utf-8"))
        if "entries" in data:  # perplexity.json: one entry per file, context and chunk count
            expected = {e["sha256"] for e in data["entries"] if e["file"] == os.path.basename(path)}
        else:
            expected = {data["meta"]["model_sha256"]}
        if expected and expected != {digest}:
            raise SystemExit("%s: sha256 %s differs from the one %s was made from (%s); remake it with scripts/%s"
                             % (path, digest, fixture, ", ".join(sorted(expected)), remake))

if __name__ == "__main__":
    main()
