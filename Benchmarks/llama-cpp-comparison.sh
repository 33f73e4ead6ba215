#!/usr/bin/env bash
# VulkanLM's CPU backend beside llama.cpp's CPU backend, in one run, on the same GGUF
# (SmolLM2-135M-Instruct Q4_1 unless MODEL names another), the same thread count and the same tests
# as llama-bench: pp128, pp512 (one batch of N prompt tokens), tg128 (128 single-token steps),
# 5 repetitions each after a warm-up; tokens/s as mean ± stddev over the repetitions, and the ratio.
#
# Usage: Benchmarks/llama-cpp-comparison.sh   (THREADS = online cores by default, REPETITIONS=5, DEVICE=cpu,
#        INT8=1 adds --int8-activations to VulkanLM's run, MODEL=path.gguf, PP=128,512, TG=128,
#        BASELINE=path/to/another/vulkanlm adds that build's numbers from the same run, e.g. a
#        release build of the previous commit, for before/after)
# Needs scripts/build-llama-cpp.sh (llama.cpp from the llama-cpp-python sdist, ~8 min once).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-$(nproc)}
repetitions=${REPETITIONS:-5}
device=${DEVICE:-cpu}
int8=()
[[ ${INT8:-0} == 1 ]] && int8=(--int8-activations)
model=${MODEL:-.cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}
pp=${PP:-128,512}
tg=${TG:-128}
baseline=${BASELINE:-}
llama_bench=.cache/llama.cpp-build/bin/llama-bench

./scripts/fetch-models.sh > /dev/null
[[ -x $llama_bench ]] || ./scripts/build-llama-cpp.sh
swift build -c release --product vulkanlm > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$llama_bench" -m "$model" -p "$pp" -n "$tg" -t "$threads" -r "$repetitions" -o json > "$work/llama.json"
# VulkanLM's CPU backend uses one worker per online core; give llama.cpp the same THREADS.
.build/release/vulkanlm bench "$model" --pp "$pp" --tg "$tg" -r "$repetitions" \
    --device "$device" ${int8[@]+"${int8[@]}"} --json > "$work/vulkanlm.json"
echo '{"results": []}' > "$work/baseline.json"
if [[ -n $baseline ]]; then
    "$baseline" bench "$model" --pp "$pp" --tg "$tg" -r "$repetitions" \
        --device "$device" ${int8[@]+"${int8[@]}"} --json > "$work/baseline.json"
fi

python3 - "$work/llama.json" "$work/vulkanlm.json" "$threads" "$work/baseline.json" <<'PY'
import json, sys
llama = json.load(open(sys.argv[1]))
ours = json.load(open(sys.argv[2]))
base = {r["test"]: r for r in json.load(open(sys.argv[4]))["results"]}
print("model: %s (%s), threads: %s" % (ours["model"], ours.get("modelType", "?"), sys.argv[3]))
print("llama.cpp: %s, %s" % (llama[0].get("cpu_info"), llama[0].get("backends")))
print("VulkanLM:  %s (%s)\n" % (ours["device"], ours["backend"]))
peer = {}
for r in llama:
    name = ("pp%d" % r["n_prompt"]) if r["n_prompt"] else ("tg%d" % r["n_gen"])
    peer[name] = (r["avg_ts"], r["stddev_ts"])
print("| test  | llama.cpp t/s    | VulkanLM t/s     | VulkanLM ÷ llama.cpp |" + (" baseline t/s     | baseline ÷ llama.cpp |" if base else ""))
print("|-------|------------------|------------------|----------------------|" + ("------------------|----------------------|" if base else ""))
for r in ours["results"]:
    name = r["test"]
    if name not in peer:
        continue
    p, ps = peer[name]
    o, os_ = r["meanTokensPerSecond"], r["stddevTokensPerSecond"]
    row = "| %-5s | %7.1f ± %6.1f | %7.1f ± %6.1f | %19.2f× |" % (name, p, ps, o, os_, o / p)
    if name in base:
        b, bs = base[name]["meanTokensPerSecond"], base[name]["stddevTokensPerSecond"]
        row += " %7.1f ± %6.1f | %19.2f× |" % (b, bs, b / p)
    print(row)
PY
