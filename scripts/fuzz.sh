#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer, through swiftc -sanitize=fuzzer,address)
# of every parser that reads a file a user hands us, and of each tokenizer's encode.
#
#   scripts/fuzz.sh [LIMIT] [TARGET...]
#
# LIMIT: a number of executions per target (e.g. 1000000), a time per target with an "s"
# suffix (e.g. 300s), or both (1000000/300s: whichever comes first); default 10000 runs. TARGETs: default all (see TARGETS below).
# Each target is built from Fuzz/Support.swift + Fuzz/<target>.swift against the Formats and
# Tokenizers sources (compiled once, instrumented, into .build-fuzz/), seeded from the real
# files scripts/fetch-models.sh fetched (scripts/make-fuzz-seeds.py cuts them down), and run
# with a 1 s per-input timeout and a 2 GB memory limit. Corpora grow in .build-fuzz/*/corpus/;
# crashes are saved as .build-fuzz/*/artifacts/<target>/crash-* (replay: the binary with the
# file as argument). A summary table (executions, coverage, time) goes to $FUZZ_RESULTS or
# .build-fuzz/<sanitizers>/results.md. Exit status 1 if any target found a crash, timeout or OOM.
#
# Cost: building the instrumented modules and the ten targets takes ~3–4 minutes on 2 cores,
# so this is not part of scripts/test.sh; a nightly `scripts/fuzz.sh 1000000/300s` (or a short
# `scripts/fuzz.sh 2000` where a few minutes are affordable) keeps the corpora growing.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(gguf safetensors config tokenizer-json vocab-merges vocab-txt chat-template
         encode-gpt2 encode-gguf encode-wordpiece)
limit="${1:-10000}"
shift || true
[[ $# -gt 0 ]] && TARGETS=("$@")

case "$limit" in
    */*s) budget=(-runs="${limit%%/*}" -max_total_time="$(basename "${limit%s}")") ;;  # N/Ms: whichever comes first
    *s) budget=(-max_total_time="${limit%s}") ;;
    *) budget=(-runs="$limit") ;;
esac

# FUZZ_SANITIZE=fuzzer drops AddressSanitizer (several times faster; Swift checks bounds and
# overflow itself, ASan adds the raw-pointer code and the C runtime).
SANITIZE="${FUZZ_SANITIZE:-fuzzer,address}"
BUILD=.build-fuzz/${SANITIZE//,/-}
mkdir -p "$BUILD/lib" "$BUILD/bin" "$BUILD/corpus" "$BUILD/artifacts" "$BUILD/logs"
FLAGS=(-O -g -sanitize="$SANITIZE" -parse-as-library -swift-version 6)
# Leak checks are moot for a parser run in a loop; stacks for every malloc cost half the time.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:malloc_context_size=0}"

# The modules the targets link, rebuilt when a source is newer than the library.
build_module() {
    local name="$1"; shift
    local library="$BUILD/lib/lib$name.a"
    if [[ ! -f "$library" ]] || [[ -n "$(find "Sources/$name" -newer "$library" -name '*.swift' | head -1)" ]]; then
        echo "building $name (instrumented)" >&2
        swiftc "${FLAGS[@]}" -module-name "$name" -emit-library -static -emit-module \
            -emit-module-path "$BUILD/lib/$name.swiftmodule" -I "$BUILD/lib" \
            -o "$library" $(find "Sources/$name" -name '*.swift' | sort) "$@"
    fi
}
build_module WeightTypes
build_module Formats
build_module Tokenizers

build_target() {
    local target="$1" binary="$BUILD/bin/$1"
    local extra=()
    [[ "$target" == chat-template ]] && extra=(Sources/Generation/ChatTemplate.swift)
    if [[ ! -f "$binary" ]] || [[ -n "$(find Fuzz "$BUILD/lib" Sources/Generation/ChatTemplate.swift -newer "$binary" | head -1)" ]]; then
        echo "building fuzz target $target" >&2
        swiftc "${FLAGS[@]}" -module-name Fuzz -I "$BUILD/lib" -o "$binary" \
            Fuzz/Support.swift "Fuzz/$target.swift" "${extra[@]}" \
            "$BUILD/lib/libTokenizers.a" "$BUILD/lib/libFormats.a" "$BUILD/lib/libWeightTypes.a" 2> >(grep -v "Cannot export local symbol" >&2)
    fi
}

python3 scripts/make-fuzz-seeds.py "$BUILD/seeds"
echo "sanitizers: $SANITIZE" >&2
# Traps go to libFuzzer (which saves the input), not to the Swift backtracer.
export SWIFT_BACKTRACE=enable=no
export VULKANLM_FUZZ_MODELS="$PWD/.cache/models" VULKANLM_FUZZ_ROOT="$PWD"

results="${FUZZ_RESULTS:-$BUILD/results.md}"
echo "| target | executions | coverage (edges) | features | corpus | seconds | exec/s | result |" > "$results"
echo "|---|---:|---:|---:|---:|---:|---:|---|" >> "$results"
failed=0
for target in "${TARGETS[@]}"; do
    build_target "$target"
    mkdir -p "$BUILD/corpus/$target" "$BUILD/artifacts/$target"
    log="$BUILD/logs/$target.log"
    max_len=()
    [[ "$target" == encode-* || "$target" == chat-template ]] && max_len=(-max_len=16384)
    echo "fuzzing $target (${budget[*]})" >&2
    start=$(date +%s.%N)
    status=0
    "$BUILD/bin/$target" "$BUILD/corpus/$target" "$BUILD/seeds/$target" "${budget[@]}" "${max_len[@]}" \
        -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$BUILD/artifacts/$target/" > "$log" 2>&1 || status=$?
    seconds=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    # A target that failed may print no totals: each lookup may come back empty (not an exit).
    runs=$(grep -o 'Done [0-9]* runs' "$log" | awk '{print $2}' | tail -1 || true)
    [[ -z "$runs" ]] && runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{print $2}' | tail -1 || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{print $2}' || true)
    corpus=$(ls "$BUILD/corpus/$target" | wc -l)
    result="ok"
    if [[ $status -ne 0 ]]; then
        result="FAILED ($(grep -m1 -oE 'ERROR: libFuzzer: [a-z-]+|ERROR: AddressSanitizer: [a-z-]+|Fatal error|Precondition failed' "$log" || echo "exit $status")); see $log"
        failed=1
    fi
    rate=$(awk -v r="${runs:-0}" -v s="$seconds" 'BEGIN { printf "%d", (s > 0 ? r / s : 0) }')
    printf '| %s | %s | %s | %s | %s | %.0f | %s | %s |\n' "$target" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$seconds" "$rate" "$result" | tee -a "$results"
done
exit $failed
