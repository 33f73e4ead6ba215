#!/usr/bin/env bash
# SmolLM2 in every other weight type against llama.cpp, every position of every fixture prompt
# (LogitFixtureTests.variantLogitsMatchLlamaCpp). The variants are made by llama-quantize, so this
# builds llama.cpp first (~15–20 min on 2 cores the first time) and is not part of scripts/test.sh.
# Fixtures: scripts/make-logit-references.py (remade from the same files).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/fetch-models.sh >/dev/null
./scripts/build-llama-cpp.sh >/dev/null
./scripts/make-quant-variants.sh >/dev/null
swift build --build-tests
VULKANLM_TEST_VARIANTS=1 swift test --skip-build --filter "LogitFixtureTests/variantLogitsMatchLlamaCpp"
