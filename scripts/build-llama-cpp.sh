#!/usr/bin/env bash
# Builds llama.cpp (CPU only) as the reference/benchmark peer for VulkanLM.
# llama.cpp's source is taken from the PyPI sdist of llama-cpp-python (vendor/llama.cpp),
# downloaded (never installed), checked by sha256 and unpacked under <repo>/.cache (gitignored).
# Nothing of llama.cpp is committed.
#
#   source:  llama-cpp-python==0.3.36 sdist, sha256 below, -> .cache/llama.cpp-src
#   build:   .cache/llama.cpp-build (Release, GGML_NATIVE=ON, LLAMA_CURL=OFF, -j2)
#   targets: llama-completion (non-interactive generator; llama-cli is chat-only in this
#            version), llama-simple, llama-tokenize, llama-bench, llama-quantize (type
#            variants of a GGUF), llama-perplexity, and llama-logits (scripts/llama-logits.cpp)
#
# Idempotent: a verified download is reused, the source is unpacked once, cmake rebuilds
# incrementally. Installs cmake/g++ with apt only when missing. Override jobs with JOBS=N.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
downloads="$repo/.cache/downloads"
src="$repo/.cache/llama.cpp-src"
build="$repo/.cache/llama.cpp-build"
jobs="${JOBS:-2}"

VERSION=0.3.36
SDIST="llama_cpp_python-$VERSION.tar.gz"
SDIST_SHA=832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e
TARGETS=(llama-completion llama-simple llama-tokenize llama-bench llama-quantize llama-perplexity)

sha_ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]; }

# 1. tools
need=()
command -v cmake >/dev/null || need+=(cmake)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
if ((${#need[@]})); then
    echo "installing ${need[*]} with apt" >&2
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

# 2. sdist. Only llama-cpp-python itself is forced to source (--no-binary llama-cpp-python):
# with --no-binary :all: pip would also build its build-backend deps (cmake, ninja) from
# source just to prepare metadata, which takes tens of minutes.
mkdir -p "$downloads"
if ! sha_ok "$downloads/$SDIST" "$SDIST_SHA"; then
    rm -f "$downloads/$SDIST"
    python3 -m pip download -q --disable-pip-version-check --no-deps \
        --no-binary llama-cpp-python "llama-cpp-python==$VERSION" -d "$downloads"
fi
if ! sha_ok "$downloads/$SDIST" "$SDIST_SHA"; then
    echo "error: $downloads/$SDIST does not have sha256 $SDIST_SHA" >&2
    exit 1
fi

# 3. unpack vendor/llama.cpp (marker file records which sdist it came from)
if [[ "$(cat "$src/.from-sdist" 2>/dev/null)" != "$SDIST_SHA" ]]; then
    rm -rf "$src" "$src.tmp"
    mkdir -p "$src.tmp"
    tar -xzf "$downloads/$SDIST" -C "$src.tmp" --strip-components=3 \
        "llama_cpp_python-$VERSION/vendor/llama.cpp"
    echo "$SDIST_SHA" >"$src.tmp/.from-sdist"
    mv "$src.tmp" "$src"
fi

# 4. configure + build
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
    -DGGML_CUDA=OFF -DGGML_VULKAN=OFF -DGGML_METAL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DBUILD_SHARED_LIBS=OFF >/dev/null
cmake --build "$build" --config Release -j "$jobs" --target "${TARGETS[@]}"

# 5. llama-logits (scripts/llama-logits.cpp): every position's logits, for the per-position tests.
ggml="$build/ggml/src"
if [[ ! -x "$build/bin/llama-logits" || "$repo/scripts/llama-logits.cpp" -nt "$build/bin/llama-logits" \
      || "$build/src/libllama.a" -nt "$build/bin/llama-logits" ]]; then
    g++ -O2 -std=c++17 -I "$src/include" -I "$src/ggml/include" "$repo/scripts/llama-logits.cpp" \
        "$build/src/libllama.a" "$ggml/libggml.a" "$ggml/libggml-cpu.a" "$ggml/libggml-base.a" \
        -fopenmp -lpthread -ldl -o "$build/bin/llama-logits"
fi

for t in "${TARGETS[@]}" llama-logits; do
    echo "$build/bin/$t"
done
