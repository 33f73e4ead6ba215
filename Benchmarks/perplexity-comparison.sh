#!/usr/bin/env bash
# Perplexity of the committed text under VulkanLM and llama.cpp, side by side, for each GGUF
# given (default: SmolLM2 in every weight type, from scripts/make-quant-variants.sh):
#   llama-perplexity -f Tests/LlamaTests/Fixtures/perplexity.txt -c C --chunks N -t 2 (-fa on, its default, and -fa off)
#   vulkanlm perplexity MODEL -f ... -c C --chunks N --device DEVICE
# Prints a markdown table: file, llama.cpp PPL (flash attention on / off), ours, differences.
# Usage: Benchmarks/perplexity-comparison.sh [MODEL.gguf ...]   (C=512 CHUNKS=4 DEVICE=cpu)
set -euo pipefail
cd "$(dirname "$0")/.."
c=${C:-512}; chunks=${CHUNKS:-4}; device=${DEVICE:-cpu}
text=Tests/LlamaTests/Fixtures/perplexity.txt
llama=.cache/llama.cpp-build/bin/llama-perplexity
[[ -x $llama ]] || ./scripts/build-llama-cpp.sh >/dev/null
models=("$@")
((${#models[@]})) || mapfile -t models < <(./scripts/make-quant-variants.sh)
swift build -c release --product vulkanlm >/dev/null
ppl() { grep -o 'Final estimate: PPL = [0-9.]*' | grep -o '[0-9.]*$'; }
echo "| file | llama.cpp (flash attn) | llama.cpp (-fa off) | VulkanLM ($device) | vs flash | vs -fa off |"
echo "|---|---:|---:|---:|---:|---:|"
for m in "${models[@]}"; do
    on=$("$llama" -m "$m" -f "$text" -c "$c" --chunks "$chunks" -t 2 -b "$c" 2>&1 | ppl)
    off=$("$llama" -m "$m" -f "$text" -c "$c" --chunks "$chunks" -t 2 -b "$c" -fa off 2>&1 | ppl)
    ours=$(.build/release/vulkanlm perplexity "$m" -f "$text" -c "$c" --chunks "$chunks" --device "$device" 2>/dev/null | ppl)
    python3 -c "import sys; n,a,b,o=sys.argv[1:]; a,b,o=float(a),float(b),float(o); print('| %s | %.4f | %.4f | %.4f | %+.2f%% | %+.2f%% |' % (n,a,b,o,100*(o/a-1),100*(o/b-1)))" "$(basename "$m")" "$on" "$off" "$ours"
done
