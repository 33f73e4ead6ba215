#!/usr/bin/env python3
"""Writes llama.cpp reference fixtures for VulkanLM (standard library only).

Runs the binaries built by scripts/build-llama-cpp.sh (llama.cpp from the PyPI sdist
llama-cpp-python==0.3.36) on SmolLM2-135M-Instruct.Q4_1.gguf (scripts/fetch-models.sh) and
writes, under Tests/LlamaTests/Fixtures/:

tokenize.jsonl
    Line 1 is a header {"meta": {...}} (tool version, model sha256, exact command lines).
    Then one object per line of corpus.txt (the line without its '\\n'):
      {"text": ..., "ids": [...], "ids_no_special": [...]}
    Each text is written to a temp file and run through
      llama-tokenize -m MODEL -f FILE --ids --no-escape --log-disable            -> "ids"
      llama-tokenize -m MODEL -f FILE --ids --no-escape --log-disable --no-parse-special
                                                                                 -> "ids_no_special"
    -f reads the file verbatim (no trailing-newline strip); --no-escape keeps a literal
    backslash-n as two characters; llama-tokenize parses special tokens (<|im_start|>...)
    by default; BOS is added only if the GGUF asks for it (tokenizer.ggml.add_bos_token),
    which is recorded in the header as "add_bos".

greedy.jsonl
    Header line {"meta": {...}}, then per prompt:
      {"prompt": ..., "prompt_ids": [...], "ids": [...], "text": ..., "stop": "eog"|"length",
       "ids_source": "pieces"}
    Command (prompt passed as one argv element, so no shell quoting issues):
      llama-completion -m MODEL -p PROMPT -n 32 --temp 0 --seed 42 -t 2 -c 512 -b 512
          -no-cnv --no-display-prompt --no-escape -sp --no-warmup --log-jsonl
    --temp 0 is greedy (argmax). The prompt is tokenized like llama-tokenize's default (special
    tokens parsed, BOS only if the GGUF wants it), so "prompt_ids" comes from llama-tokenize
    on the same text. -no-cnv: plain completion, no chat template is applied (ChatML prompts
    below are pre-formatted). --log-jsonl: every log entry, including each generated token's
    piece (one LOG call per token), is one JSON line on stdout, level "none" for generated
    text. Each piece is mapped back to its token id through the GGUF vocabulary (byte-level
    BPE: piece bytes are unique per token; -sp prints control tokens such as <|im_end|> as
    their text). A piece that is a partial UTF-8 sequence is replaced by U+FFFD in the JSON and
    cannot be mapped; the script then stops (a Chinese prompt "你好，" did this, so prompts whose
    greedy output splits multi-byte characters across tokens are not used).
    Generation stops early at an end-of-generation token (<|im_end|>, <|endoftext|>); that
    token is included in "ids" and "stop" is "eog".
    llama-completion does not print logits or probabilities, so no top-2 logit gap is recorded.
"""
import argparse
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(REPO, "Tests", "LlamaTests", "Fixtures")
LLAMA_CPP_PYTHON = "0.3.36"
SDIST_SHA = "832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"

PROMPTS = [
    "The capital of France is",
    "Once upon a time, there was a little",
    "def fibonacci(n):",
    "The quick brown fox",
    "1, 2, 3, 4, 5,",
    "Water boils at",
    "In machine learning, a transformer is",
    "Hello, my name is",
    "The largest planet in the solar system is",
    "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>user\nWrite a haiku about the sea.<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n",
    "<|im_start|>user\nName three primary colors.<|im_end|>\n<|im_start|>assistant\n",
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- GGUF vocabulary
def gguf_kv(path, wanted):
    """Reads metadata keys from a GGUF file (v2/v3); returns {key: value} for keys in wanted."""
    out = {}
    with open(path, "rb") as f:
        magic, version = struct.unpack("<4sI", f.read(8))
        assert magic == b"GGUF", magic
        _n_tensors, n_kv = struct.unpack("<QQ", f.read(16))

        def rstr():
            (n,) = struct.unpack("<Q", f.read(8))
            return f.read(n).decode("utf-8", "surrogateescape")

        scal = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
                10: "<Q", 11: "<q", 12: "<d"}

        def rval(t):
            if t in scal:
                fmt = scal[t]
                return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]
            if t == 8:
                return rstr()
            if t == 9:
                (et,) = struct.unpack("<I", f.read(4))
                (n,) = struct.unpack("<Q", f.read(8))
                if et in scal:
                    fmt = scal[et]
                    size = struct.calcsize(fmt)
                    data = f.read(size * n)
                    return list(struct.unpack("<%d%s" % (n, fmt[1]), data))
                return [rval(et) for _ in range(n)]
            raise ValueError("bad gguf type %d" % t)

        for _ in range(n_kv):
            key = rstr()
            (t,) = struct.unpack("<I", f.read(4))
            val = rval(t)
            if key in wanted:
                out[key] = val
    return out


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def piece_table(tokens, types):
    u2b = {v: k for k, v in bytes_to_unicode().items()}
    table = {}
    for i, (tok, ty) in enumerate(zip(tokens, types)):
        if ty == 1:  # normal: byte-level BPE text
            try:
                b = bytes(u2b[c] for c in tok)
            except KeyError:
                b = tok.encode("utf-8", "surrogateescape")
        else:  # control / user-defined: printed verbatim with -sp
            b = tok.encode("utf-8", "surrogateescape")
        table.setdefault(b, []).append(i)
    return table


# ---------------------------------------------------------------- runners
def run(cmd, **kw):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace")[-4000:])
        raise SystemExit("command failed (%d): %r" % (p.returncode, cmd))
    return p.stdout


def tokenize(bins, model, text, extra=()):
    with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as t:
        t.write(text.encode("utf-8"))
        name = t.name
    try:
        out = run([bins["tokenize"], "-m", model, "-f", name, "--ids", "--no-escape",
                   "--log-disable", *extra]).decode("utf-8")
    finally:
        os.unlink(name)
    line = out.strip().splitlines()[-1]
    ids = json.loads(line)
    assert isinstance(ids, list) and all(isinstance(i, int) for i in ids), out
    return ids


GEN_ARGS = ["-n", "32", "--temp", "0", "--seed", "42", "-t", "2", "-c", "512", "-b", "512",
            "-no-cnv", "--no-display-prompt", "--no-escape", "-sp", "--no-warmup", "--log-jsonl"]


def generate(bins, model, prompt, table, eog_ids):
    out = run([bins["completion"], "-m", model, "-p", prompt, *GEN_ARGS], stdin=subprocess.DEVNULL)
    pieces = []
    for line in out.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("type") == "log" and obj.get("level") == "none":
            pieces.append(obj.get("msg", ""))
    # trailing non-token output: " [end of text]\n" after an EOG token, final "\n\n"
    while pieces and pieces[-1] in ("\n", "\n\n", " [end of text]\n"):
        pieces.pop()
    ids, ok = [], True
    for pc in pieces:
        cand = table.get(pc.encode("utf-8"))
        if cand is None or len(cand) != 1 or "\ufffd" in pc:
            ok = False
            break
        ids.append(cand[0])
    text = "".join(pieces)
    src = "pieces"
    if not ok or len(ids) != len(pieces):
        # a piece that is a partial UTF-8 sequence arrives as U+FFFD: ids cannot be recovered
        # exactly (re-tokenizing the lossy text would be wrong), so such prompts are refused.
        raise SystemExit("prompt %r: generated piece not mappable to one token id; pick another prompt" % prompt)
    assert len(ids) <= 32, (prompt, ids)
    stop = "eog" if ids and ids[-1] in eog_ids else "length"
    return ids, text, stop, src


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(REPO, ".cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    ap.add_argument("--bin-dir", default=os.path.join(REPO, ".cache/llama.cpp-build/bin"))
    ap.add_argument("--only", choices=["tokenize", "greedy"])
    a = ap.parse_args()
    bins = {k: os.path.join(a.bin_dir, "llama-" + k) for k in ("tokenize", "completion")}
    for b in bins.values():
        if not os.access(b, os.X_OK):
            raise SystemExit("missing %s: run scripts/build-llama-cpp.sh" % b)
    model = a.model
    kv = gguf_kv(model, {"tokenizer.ggml.tokens", "tokenizer.ggml.token_type", "tokenizer.ggml.model",
                         "tokenizer.ggml.add_bos_token", "tokenizer.ggml.bos_token_id",
                         "tokenizer.ggml.eos_token_id", "tokenizer.ggml.pre"})
    tokens, types = kv["tokenizer.ggml.tokens"], kv["tokenizer.ggml.token_type"]
    table = piece_table(tokens, types)
    eog_ids = {i for i, t in enumerate(tokens) if t in ("<|im_end|>", "<|endoftext|>")}
    eog_ids.add(kv.get("tokenizer.ggml.eos_token_id", -1))
    ver = subprocess.run([bins["completion"], "--version"], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace").strip()
    meta = {
        "llama_cpp_source": "PyPI sdist llama-cpp-python==%s (sha256 %s), vendor/llama.cpp" % (LLAMA_CPP_PYTHON, SDIST_SHA),
        "llama_cpp_version": ver,
        "model": os.path.basename(model),
        "model_sha256": sha256(model),
        "tokenizer_model": kv.get("tokenizer.ggml.model"),
        "tokenizer_pre": kv.get("tokenizer.ggml.pre"),
        "add_bos": kv.get("tokenizer.ggml.add_bos_token", "absent (llama.cpp default for gpt2: false)"),
        "bos_token_id": kv.get("tokenizer.ggml.bos_token_id"),
        "eos_token_id": kv.get("tokenizer.ggml.eos_token_id"),
    }
    os.makedirs(FIX, exist_ok=True)

    if a.only in (None, "tokenize"):
        with open(os.path.join(FIX, "corpus.txt"), encoding="utf-8") as f:
            corpus = [l[:-1] if l.endswith("\n") else l for l in f]
        m = dict(meta)
        m["command"] = "llama-tokenize -m MODEL -f TEXTFILE --ids --no-escape --log-disable"
        m["command_no_special"] = m["command"] + " --no-parse-special"
        m["input"] = "each line of corpus.txt without its trailing newline, written verbatim (UTF-8) to TEXTFILE"
        with open(os.path.join(FIX, "tokenize.jsonl"), "w", encoding="utf-8") as f:
            f.write(json.dumps({"meta": m}, ensure_ascii=False) + "\n")
            for text in corpus:
                rec = {"text": text, "ids": tokenize(bins, model, text),
                       "ids_no_special": tokenize(bins, model, text, ["--no-parse-special"])}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        print("tokenize.jsonl: %d texts" % len(corpus))

    if a.only in (None, "greedy"):
        m = dict(meta)
        m["command"] = "llama-completion -m MODEL -p PROMPT " + " ".join(GEN_ARGS)
        m["notes"] = ("greedy (--temp 0); prompt tokenized with special-token parsing, BOS only if the "
                      "GGUF wants it (prompt_ids = llama-tokenize output); ids include the EOG token when "
                      "generation stops early (stop=eog); no logits/top-2 gap available from llama-completion")
        with open(os.path.join(FIX, "greedy.jsonl"), "w", encoding="utf-8") as f:
            f.write(json.dumps({"meta": m}, ensure_ascii=False) + "\n")
            for p in PROMPTS:
                ids, text, stop, src = generate(bins, model, p, table, eog_ids)
                rec = {"prompt": p, "prompt_ids": tokenize(bins, model, p), "ids": ids, "text": text,
                       "stop": stop, "ids_source": src}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                print("%-40r -> %r" % (p[-40:], text[:80]))
        print("greedy.jsonl: %d prompts" % len(PROMPTS))


if __name__ == "__main__":
    main()
