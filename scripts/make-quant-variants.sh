#!/usr/bin/env bash
# Writes SmolLM2-135M-Instruct in every weight type VulkanLM computes with, using llama.cpp's own
# llama-quantize (scripts/build-llama-cpp.sh): first back to F16 from the fetched Q4_1 file
# (--allow-requantize), then from F16 into each type. SmolLM2's 576-wide rows are no multiple of
# 256, so the k-quant "mixes" fall back to Q5_0/Q5_1/Q8_0/IQ4_NL for those tensors, as real
# Q4_K_M files do: every variant exercises several types.
#
# Usage: scripts/make-quant-variants.sh [TYPE ...]   (default: all below)
# Output: .cache/models/smollm2-variants/SmolLM2-135M-Instruct.TYPE.gguf (gitignored, ~90–150 MB each)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quantize="$repo/.cache/llama.cpp-build/bin/llama-quantize"
source="$repo/.cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
out="$repo/.cache/models/smollm2-variants"
types=("$@")
((${#types[@]})) || types=(Q8_0 Q6_K Q5_K_M Q5_0 Q5_1 Q4_K_M Q4_K_S Q4_0 Q3_K_M Q2_K IQ4_NL IQ4_XS)

[[ -x $quantize ]] || "$repo/scripts/build-llama-cpp.sh" >/dev/null
[[ -f $source ]] || "$repo/scripts/fetch-models.sh" >/dev/null
mkdir -p "$out"
f16="$out/SmolLM2-135M-Instruct.F16.gguf"
[[ -f $f16 ]] || "$quantize" --allow-requantize "$source" "$f16" F16 >/dev/null 2>&1
for type in "${types[@]}"; do
    target="$out/SmolLM2-135M-Instruct.$type.gguf"
    if [[ ! -f $target ]]; then
        "$quantize" "$f16" "$target.tmp" "$type" >/dev/null 2>&1 || { echo "llama-quantize failed for $type" >&2; exit 1; }
        mv "$target.tmp" "$target"
    fi
    echo "$target"
done
