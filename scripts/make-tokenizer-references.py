#!/usr/bin/env python3
"""Writes llama.cpp tokenizer fixtures for the SentencePiece and BPE pre-tokenizer tests.

A sibling of make-llama-references.py (which writes SmolLM2's tokenize.jsonl and greedy.jsonl);
it reuses that script's llama-tokenize runner. The reference is llama.cpp's `llama-tokenize`
built by scripts/build-llama-cpp.sh (PyPI sdist llama-cpp-python==0.3.36); nothing here runs
VulkanLM's code.

Texts: every line of Tests/LlamaTests/Fixtures/corpus.txt (without its newline), then
EXTRA_TEXTS below (texts with newlines, CR/LF and tab runs, which a one-text-per-line corpus
cannot hold).

Writes, under Tests/LlamaTests/Fixtures/:

tokenize-gemma3.jsonl
    Gemma 3 270M Q4_K_M (scripts/fetch-models.sh; tokenizer.ggml.model = "llama", i.e.
    SentencePiece). Header {"meta": {...}}, then per text {"text", "ids", "ids_no_special"}:
      llama-tokenize -m MODEL -f TEXTFILE --ids --no-escape --log-disable        -> ids
      ... --no-parse-special                                                      -> ids_no_special
    (BOS is added because the file's tokenizer.ggml.add_bos_token is true.)

tokenize-spm-<variant>.jsonl, for variant in SPM_VARIANTS
    SentencePiece options Gemma 3's file does not exercise, on a tokenizer-only GGUF (Gemma 3's
    metadata, no tensors) with keys changed: "space-prefix" removes tokenizer.ggml.add_space_prefix
    (llama.cpp's default for SentencePiece is true, as Llama 2 and Mistral files have it);
    "phi3-name" also sets general.name to a Phi-3 name, for which llama.cpp strips the whitespace
    after special tokens (its per-model RSTRIP attribute). These run on the texts where those
    options matter (variant_texts(): the first 10 corpus lines, lines with markup or leading,
    trailing or repeated whitespace, and all EXTRA_TEXTS), not the whole corpus: each
    llama-tokenize run loads Gemma's 262k-token vocabulary.

tokenize-bpe-<pre>.jsonl, for pre in PRE_TOKENIZERS
    The same, on a tokenizer-only GGUF: SmolLM2's metadata (vocabulary, merges, token types,
    every other key) copied with tokenizer.ggml.pre set to <pre>, and no tensors
    (llama-tokenize loads vocab-only). For "default" the key is removed (llama.cpp then uses its
    default pre-tokenizer, as for the value "default"). Writing those files needs gguf-py from
    the llama.cpp source (.cache/llama.cpp-src/gguf-py) and numpy; the tests need neither: they
    change the key in memory on SmolLM2's metadata.

Regenerate: scripts/fetch-models.sh && scripts/build-llama-cpp.sh && scripts/make-tokenizer-references.py
"""
import argparse
import importlib.util
import json
import os
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(REPO, "Tests", "LlamaTests", "Fixtures")
GEMMA3 = os.path.join(REPO, ".cache/models/gemma3/gemma-3-270m-q4_k_m.gguf")
SMOLLM2 = os.path.join(REPO, ".cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
PRE_TOKENIZERS = ["llama-bpe", "qwen2", "gpt-2", "default"]
# variant -> metadata changes on Gemma 3's tokenizer (None: key removed)
SPM_VARIANTS = {
    "space-prefix": {"tokenizer.ggml.add_space_prefix": None},
    "phi3-name": {"tokenizer.ggml.add_space_prefix": None, "general.name": "Phi-3-mini-4k-instruct"},
}
# Tokens appended (as control, score 0) for a variant: llama.cpp's Phi-3 attribute code looks up
# "<|endoftext|>" with token_to_id.at() and refuses to load a vocabulary without it.
SPM_APPENDED_TOKENS = {"phi3-name": ["<|endoftext|>"]}

EXTRA_TEXTS = [
    "Hello\nworld",
    "line one\n\nline three\n\n\n\nafter four newlines",
    "def f(x):\n    return x\n",
    "\t\tindented\n\ttab\n",
    "a\r\nb\r\n",
    "x = 1\r\ny = 2",
    "trailing newline\n",
    "\n",
    "\n\n\n",
    "  \n  \n",
    " \n \n ",
    "   leading and trailing   \n",
    "emoji\n😀\n",
    "中文\n换行",
    "<start_of_turn>user\nWhat is the capital of France?<end_of_turn>\n<start_of_turn>model\n",
    "<start_of_turn>user\nBe brief.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n",
    "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
    "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "[INST] Hi [/INST]",
    "<|user|>\nHi<|end|>\n<|assistant|>\n",
    "word.\nNext sentence!\n\n- bullet\n- list\n",
    "    code block\n        nested\n",
    "!!!\n???\n...",
]


def load_sibling():
    path = os.path.join(REPO, "scripts", "make-llama-references.py")
    spec = importlib.util.spec_from_file_location("make_llama_references", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def texts():
    with open(os.path.join(FIX, "corpus.txt"), encoding="utf-8") as f:
        corpus = [l[:-1] if l.endswith("\n") else l for l in f]
    return corpus + EXTRA_TEXTS


def variant_texts(all_texts):
    corpus_count = len(all_texts) - len(EXTRA_TEXTS)
    chosen = []
    for index, text in enumerate(all_texts):
        if (index < 10 or index >= corpus_count or "<" in text or "[" in text or text != text.strip()
                or "  " in text or "\t" in text):
            chosen.append(text)
    return chosen


def write_fixture(ref, bins, model, name, meta, all_texts):
    m = dict(meta)
    m["command"] = "llama-tokenize -m MODEL -f TEXTFILE --ids --no-escape --log-disable"
    m["command_no_special"] = m["command"] + " --no-parse-special"
    m["input"] = ("each line of corpus.txt without its trailing newline, then the EXTRA_TEXTS of "
                  "scripts/make-tokenizer-references.py, written verbatim (UTF-8) to TEXTFILE")
    with open(os.path.join(FIX, name), "w", encoding="utf-8") as f:
        f.write(json.dumps({"meta": m}, ensure_ascii=False) + "\n")
        for text in all_texts:
            rec = {"text": text, "ids": ref.tokenize(bins, model, text),
                   "ids_no_special": ref.tokenize(bins, model, text, ["--no-parse-special"])}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print("%s: %d texts" % (name, len(all_texts)))


def write_tokenizer_only_gguf(source, target, changes, appended_tokens=()):
    """source's metadata with changes applied ({key: string value, or None to remove}) and
    control tokens appended to the vocabulary, no tensors."""
    sys.path.insert(0, os.path.join(REPO, ".cache", "llama.cpp-src", "gguf-py"))
    from gguf import GGUFReader, GGUFValueType, GGUFWriter  # noqa: E402

    reader = GGUFReader(source)
    arch = reader.fields["general.architecture"].contents()
    writer = GGUFWriter(target, arch)
    for key, field in reader.fields.items():
        if key.startswith("GGUF.") or key == "general.architecture" or key in changes:
            continue
        vtype = field.types[0]
        sub = field.types[-1] if vtype == GGUFValueType.ARRAY else None
        value = field.contents()
        if appended_tokens and key == "tokenizer.ggml.tokens":
            value = value + list(appended_tokens)
        elif appended_tokens and key == "tokenizer.ggml.scores":
            value = value + [0.0] * len(appended_tokens)
        elif appended_tokens and key == "tokenizer.ggml.token_type":
            value = value + [3] * len(appended_tokens)
        writer.add_key_value(key, value, vtype, sub)
    for key, value in changes.items():
        if value is not None:
            writer.add_key_value(key, value, GGUFValueType.STRING)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin-dir", default=os.path.join(REPO, ".cache/llama.cpp-build/bin"))
    ap.add_argument("--only", choices=["gemma3", "spm", "bpe"])
    ap.add_argument("--variant", choices=sorted(SPM_VARIANTS), help="with --only spm: just this variant")
    a = ap.parse_args()
    ref = load_sibling()
    bins = {"tokenize": os.path.join(a.bin_dir, "llama-tokenize")}
    if not os.access(bins["tokenize"], os.X_OK):
        raise SystemExit("missing %s: run scripts/build-llama-cpp.sh" % bins["tokenize"])
    ver = ref.run([bins["tokenize"], "--version"]).decode("utf-8", "replace").strip() or "unknown"
    base = {
        "llama_cpp_source": "PyPI sdist llama-cpp-python==%s (sha256 %s), vendor/llama.cpp" % (ref.LLAMA_CPP_PYTHON, ref.SDIST_SHA),
        "llama_cpp_version": ver,
    }
    keys = {"tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.add_bos_token",
            "tokenizer.ggml.add_eos_token", "tokenizer.ggml.add_space_prefix",
            "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id"}
    all_texts = texts()

    if a.only in (None, "gemma3"):
        kv = ref.gguf_kv(GEMMA3, keys)
        meta = dict(base, model=os.path.basename(GEMMA3), model_sha256=ref.sha256(GEMMA3),
                    **{"tokenizer_" + k.split(".")[-1]: v for k, v in kv.items()})
        write_fixture(ref, bins, GEMMA3, "tokenize-gemma3.jsonl", meta, all_texts)

    if a.only in (None, "spm"):
        kv = ref.gguf_kv(GEMMA3, keys)
        with tempfile.TemporaryDirectory() as tmp:
            for variant, changes in SPM_VARIANTS.items():
                if a.variant and variant != a.variant:
                    continue
                appended = SPM_APPENDED_TOKENS.get(variant, [])
                model = os.path.join(tmp, "gemma3-vocab-%s.gguf" % variant)
                write_tokenizer_only_gguf(GEMMA3, model, changes, appended)
                meta = dict(base, model="gemma-3-270m-q4_k_m.gguf metadata, no tensors, changed: %s"
                            % json.dumps(changes), source_model_sha256=ref.sha256(GEMMA3),
                            **{"tokenizer_" + k.split(".")[-1]: v for k, v in kv.items()})
                meta["variant"] = variant
                meta["changes"] = changes
                meta["appended_control_tokens"] = appended
                write_fixture(ref, bins, model, "tokenize-spm-%s.jsonl" % variant, meta, variant_texts(all_texts))

    if a.only in (None, "bpe"):
        kv = ref.gguf_kv(SMOLLM2, keys)
        with tempfile.TemporaryDirectory() as tmp:
            for pre in PRE_TOKENIZERS:
                model = os.path.join(tmp, "smollm2-vocab-%s.gguf" % pre)
                write_tokenizer_only_gguf(SMOLLM2, model, {"tokenizer.ggml.pre": None if pre == "default" else pre})
                meta = dict(base, model="SmolLM2-135M-Instruct.Q4_1.gguf metadata, no tensors, "
                            + ("tokenizer.ggml.pre removed" if pre == "default" else "tokenizer.ggml.pre = %r" % pre),
                            source_model_sha256=ref.sha256(SMOLLM2),
                            **{"tokenizer_" + k.split(".")[-1]: v for k, v in kv.items()})
                meta["pre"] = pre
                write_fixture(ref, bins, model, "tokenize-bpe-%s.jsonl" % pre, meta, all_texts)


if __name__ == "__main__":
    main()
