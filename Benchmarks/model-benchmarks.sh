#!/usr/bin/env bash
# Model throughput on this machine, release build:
#   - all-MiniLM-L6-v2 sentence embeddings, batch 32 (256 sentences on the CPU, 32 on Vulkan);
#   - GPT-2-124M-shaped decoding with random weights (no GPT-2 weights are reachable here; speed
#     does not depend on the values), f32 and f16: prompt tokens/s and generation tokens/s.
# Each runs on the CPU backend and on the Vulkan device named by $VULKAN_DEVICE (default
# llvmpipe, which is ~1000x slower than a GPU: it gets short prompts). Numbers go to stdout.
#
# Usage: Benchmarks/model-benchmarks.sh            (VULKAN_DEVICE=nvidia to use a GPU)
set -euo pipefail
cd "$(dirname "$0")/.."
device=${VULKAN_DEVICE:-llvmpipe}
cpu_sentences=${CPU_SENTENCES:-256}

./scripts/fetch-models.sh > /dev/null
swift build -c release --product vulkanlm > /dev/null
bin=.build/release/vulkanlm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Sentences: the prose and code lines of the tokenizer test corpus (varied lengths).
grep -m "$cpu_sentences" -E '^[A-Za-z].{20,200}$' Tests/TokenizerTests/Fixtures/corpus.txt > "$work/sentences.txt"
head -n 32 "$work/sentences.txt" > "$work/sentences-32.txt"

echo "== all-MiniLM-L6-v2 embeddings, batch 32"
"$bin" embed .cache/models/all-MiniLM-L6-v2 --file "$work/sentences.txt" --device cpu --batch-size 32 2>&1 >/dev/null | grep sentences/s
"$bin" embed .cache/models/all-MiniLM-L6-v2 --file "$work/sentences-32.txt" --device "$device" --batch-size 32 2>&1 >/dev/null | grep sentences/s

prompt_128=$(head -c 600 Tests/TokenizerTests/Fixtures/corpus.txt | tr '\n' ' ')
prompt_16="The quick brown fox jumps over the lazy dog while the cat sleeps"
for precision in f32 f16; do
  flag=""; [[ $precision == f16 ]] && flag="--f16"
  python3 scripts/make-random-checkpoints.py "$work/$precision" --only gpt2 $flag \
    --gpt2-dims 50257,1024,768,12,12 --tokenizer .cache/models/gpt2 > /dev/null
  model="$work/$precision/gpt2"
  echo "== GPT-2-124M shape, $precision weights"
  echo -n "cpu, 600-character prompt, 64 new tokens: "
  "$bin" generate "$model" -p "$prompt_128" -n 64 --device cpu 2>&1 >/dev/null | grep tokens/s
  echo -n "$device, 16-token prompt, 8 new tokens: "
  "$bin" generate "$model" -p "$prompt_16" -n 8 --device "$device" 2>&1 >/dev/null | grep tokens/s
done
