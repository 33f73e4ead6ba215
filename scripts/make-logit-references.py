#!/usr/bin/env python3
"""Writes llama.cpp's logits at every position of every fixture prompt (standard library only):
the reference for Tests/LlamaTests/LogitFixtureTests.swift.

For each model below and each of its prompts:
  prompt_ids  llama-tokenize -m FILE -f PROMPTFILE --ids --no-escape --log-disable
  ids         llama.cpp's greedy continuation (argmax of its own logits), up to GENERATE tokens,
              ending after an end-of-generation token
  top_ids, top_logits, logsumexp
              for every position of prompt_ids + ids, fed in one batch (teacher forcing, so a
              divergence never ends the comparison): the TOP_K largest logits, descending, and
              log sum exp over the whole vocabulary.
Both come from one run of scripts/llama-logits.cpp (built by scripts/build-llama-cpp.sh against
llama.cpp from the PyPI sdist llama-cpp-python 0.3.36):
  llama-logits FILE TOP_K 0 2 GENERATE
flash attention off: its f16 accumulation of the weighted values is not what VulkanLM computes.

Then llama.cpp against itself: the same sequences through its flash-attention path
(llama-logits FILE TOP_K 1 2 0), summarised in meta.flash_attention_against_this as the largest and
mean |difference| at the top 8 how many greedy continuations that path reproduces, and
the largest gap in its logits where one parts; and, over every position where the two paths'
argmax differ, the largest gap in the plain path's logits between the two choices.

Output: Tests/LlamaTests/Fixtures/logits/<name>.json =
  {"meta": {llama.cpp version, file, size, sha256, commands, flash_attention_against_this},
   "cases": [...]}

  scripts/make-logit-references.py [NAME...]   (default: every model whose file is present)
"""
import importlib.util
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("refs", os.path.join(REPO, "scripts", "make-llama-references.py"))
refs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(refs)

MODELS = os.path.join(REPO, ".cache", "models")
OUT = os.path.join(REPO, "Tests", "LlamaTests", "Fixtures", "logits")
TOP_K = 8

PLAIN = refs.PROMPTS[:9]
# One prompt longer than the random Gemma files' sliding window (8), so the batch pass masks too.
LONG = "The history of the city goes back to the Roman period, when a small settlement grew along the river and"
GEMMA_CHAT = "<start_of_turn>user\nWhat is the capital of France?<end_of_turn>\n<start_of_turn>model\n"

# name -> (file under .cache/models, prompts, tokens generated)
MODELS_TABLE = {
    "smollm2-q4_1": ("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf", refs.PROMPTS, 32),
    "gemma3-270m-q4_k_m": ("gemma3/gemma-3-270m-q4_k_m.gguf", PLAIN + [GEMMA_CHAT], 32),
}
for arch in ["llama", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"]:
    MODELS_TABLE["random-" + arch] = ("random-archs/%s.gguf" % arch, refs.PROMPTS[:8] + [LONG], 24)
    MODELS_TABLE["random-%s-q4_k_m" % arch] = ("random-archs/%s-q4_k_m.gguf" % arch, refs.PROMPTS[:8] + [LONG], 24)
# SmolLM2 in other weight types (scripts/make-quant-variants.sh, llama-quantize from F16): only
# where llama.cpp is built, so their tests run under scripts/test-variants.sh, not in CI.
for variant in ["Q8_0", "Q6_K", "Q5_K_M", "Q5_0", "Q5_1", "Q4_K_M", "Q4_0", "Q3_K_M", "Q2_K", "IQ4_NL", "IQ4_XS"]:
    MODELS_TABLE["smollm2-" + variant.lower()] = (
        "smollm2-variants/SmolLM2-135M-Instruct.%s.gguf" % variant, refs.PROMPTS[:8], 32)


def llama_logits(bins, model, flash_attention, generate, sequences):
    """One run of llama-logits over `sequences` (lists of token ids): one parsed row per sequence."""
    command = [bins["logits"], model, str(TOP_K), "1" if flash_attention else "0", "2", str(generate)]
    stdin = "".join(" ".join(map(str, ids)) + "\n" for ids in sequences)
    out = subprocess.run(command, input=stdin.encode(), stdout=subprocess.PIPE, check=True).stdout
    rows = [json.loads(line) for line in out.decode().splitlines()]
    assert len(rows) == len(sequences), (model, len(rows))
    return rows


def self_comparison(cases, flash_rows):
    """llama.cpp's flash-attention rows against the plain path's cases (see the docstring)."""
    largest, total, count, identical, parting_gap, argmax_gap = 0.0, 0.0, 0, 0, 0.0, 0.0
    for c, row in zip(cases, flash_rows):
        parted = False
        for p in range(len(c["top_ids"])):
            theirs = dict(zip(row["top_ids"][p], row["top_logits"][p]))
            for i, v in zip(c["top_ids"][p], c["top_logits"][p]):
                if i in theirs:
                    largest, total, count = max(largest, abs(theirs[i] - v)), total + abs(theirs[i] - v), count + 1
            if row["top_ids"][p][0] != c["top_ids"][p][0]:
                # where the two paths' argmax differ: the plain path's gap between them
                plain = dict(zip(c["top_ids"][p], c["top_logits"][p]))
                argmax_gap = max(argmax_gap, c["top_logits"][p][0] - plain.get(row["top_ids"][p][0], c["top_logits"][p][-1]))
            generated = p + 1 - len(c["prompt_ids"])
            if 0 <= generated < len(c["ids"]) and row["top_ids"][p][0] != c["ids"][generated] and not parted:
                parted = True
                # its logit for the token the plain path chose (below its 8th when absent)
                other = theirs.get(c["ids"][generated], row["top_logits"][p][-1])
                parting_gap = max(parting_gap, row["top_logits"][p][0] - other)
        identical += not parted
    return {"command": "llama-logits MODEL %d 1 2 0 < the same sequences" % TOP_K,
            "largest_difference": largest, "mean_difference": total / count,
            "identical_continuations": identical, "largest_parting_gap": parting_gap,
            "largest_argmax_gap": argmax_gap}


def main():
    bin_dir = os.environ.get("LLAMA_CPP_BIN", os.path.join(REPO, ".cache", "llama.cpp-build", "bin"))
    bins = {k: os.path.join(bin_dir, "llama-" + k) for k in ("tokenize", "logits", "completion")}
    version = subprocess.run([bins["completion"], "--version"], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT).stdout.decode("utf-8", "replace").strip()
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:] or [n for n, (f, _, _) in MODELS_TABLE.items() if os.path.exists(os.path.join(MODELS, f))]
    for name in names:
        relative, prompts, generate = MODELS_TABLE[name]
        model = os.path.join(MODELS, relative)
        prompt_ids = [refs.tokenize(bins, model, p) for p in prompts]
        rows = llama_logits(bins, model, False, generate, prompt_ids)
        cases = []
        for prompt, ids, row in zip(prompts, prompt_ids, rows):
            assert row["ids"][:len(ids)] == ids
            cases.append({"prompt": prompt, "prompt_ids": ids, "ids": row["ids"][len(ids):],
                          "top_ids": row["top_ids"], "top_logits": row["top_logits"],
                          "logsumexp": row["logsumexp"]})
        # llama.cpp against itself: its flash-attention path (its CPU default) on the same
        # sequences. Q8-rounded activations turn the two paths' float differences into whole quant
        # steps, so this is the spread any faithful implementation shows; the tests' bounds build on it.
        meta_flash = self_comparison(cases, llama_logits(bins, model, True, 0, [c["prompt_ids"] + c["ids"] for c in cases]))
        meta = {
            "llama_cpp_source": "PyPI sdist llama-cpp-python==%s (sha256 %s), vendor/llama.cpp" % (refs.LLAMA_CPP_PYTHON, refs.SDIST_SHA),
            "llama_cpp_version": version,
            "model": relative,
            "model_bytes": os.path.getsize(model),
            "model_sha256": refs.sha256(model),
            "command": "llama-logits MODEL %d 0 2 %d < prompt ids (scripts/llama-logits.cpp)" % (TOP_K, generate),
            "prompt_ids_command": "llama-tokenize -m MODEL -f PROMPTFILE --ids --no-escape --log-disable",
            "flash_attention_against_this": meta_flash,
        }
        with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
            json.dump({"meta": meta, "cases": cases}, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        positions = sum(len(c["top_ids"]) for c in cases)
        print("%s: %d prompts, %d positions; llama.cpp -fa on vs off: %s" % (name, len(cases), positions, meta_flash))


if __name__ == "__main__":
    main()
