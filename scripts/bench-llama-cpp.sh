#!/usr/bin/env bash
# Benchmarks llama.cpp (CPU, built by scripts/build-llama-cpp.sh) on SmolLM2-135M-Instruct Q4_1:
#   llama-bench -m MODEL -p 128,512 -n 128 -t 2 -o json
# Prints a table (test, tokens/s mean ± stddev) and keeps the raw JSON in
# <repo>/.cache/llama-bench.json. Override threads with THREADS=N, model with MODEL=path.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$repo/.cache/llama.cpp-build/bin/llama-bench"
model="${MODEL:-$repo/.cache/models/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf}"
threads="${THREADS:-2}"
[[ -x "$bench" ]] || { echo "error: $bench missing; run scripts/build-llama-cpp.sh" >&2; exit 1; }
[[ -f "$model" ]] || { echo "error: $model missing; run scripts/fetch-models.sh" >&2; exit 1; }
out="$repo/.cache/llama-bench.json"
"$bench" -m "$model" -p 128,512 -n 128 -t "$threads" -o json >"$out"
python3 - "$out" <<'PY'
import json, sys
rows = json.load(open(sys.argv[1]))
r0 = rows[0]
print("llama.cpp %s (%s)  %s  %s  threads=%s  backend=%s" % (
    r0.get("build_number"), r0.get("build_commit"), r0.get("model_type"), r0.get("cpu_info"),
    r0.get("n_threads"), r0.get("backends")))
print("%-8s %12s %10s" % ("test", "tokens/s", "stddev"))
for r in rows:
    name = ("pp%d" % r["n_prompt"]) if r["n_prompt"] else ("tg%d" % r["n_gen"])
    print("%-8s %12.2f %10.2f" % (name, r["avg_ts"], r["stddev_ts"]))
PY
