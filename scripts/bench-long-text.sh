#!/usr/bin/env bash
# Times tokenizing 1 MB of text without spaces on each tokenizer (issue 10 asks < 2 s), in a
# release (-O) build of the Formats and Tokenizers sources with Benchmarks/LongText/main.swift.
# Needs the files scripts/fetch-models.sh fetches. Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=.build-bench
mkdir -p "$BUILD"
FLAGS=(-O -parse-as-library -swift-version 6)
swiftc "${FLAGS[@]}" -module-name Formats -emit-library -static -emit-module \
    -emit-module-path "$BUILD/Formats.swiftmodule" -o "$BUILD/libFormats.a" Sources/Formats/*.swift
swiftc "${FLAGS[@]}" -module-name Tokenizers -emit-library -static -emit-module -I "$BUILD" \
    -emit-module-path "$BUILD/Tokenizers.swiftmodule" -o "$BUILD/libTokenizers.a" Sources/Tokenizers/*.swift
swiftc -O -swift-version 6 -I "$BUILD" -o "$BUILD/long-text" Benchmarks/LongText/main.swift \
    "$BUILD/libTokenizers.a" "$BUILD/libFormats.a"
"$BUILD/long-text" "$PWD/.cache/models"
