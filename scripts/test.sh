#!/usr/bin/env bash
# The test command: installs what is missing, fetches the real tokenizer and model files the
# tests check against (pinned, sha256-verified), runs the Swift test suites (kernels on the CPU
# backend and on lavapipe with the Khronos validation layer on), then builds the portable
# bundle and runs it with the system's Vulkan, OpenBLAS and Swift libraries out of reach.
# With CI=true, a missing Vulkan device or validation layer fails the tests instead of
# skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
./scripts/fetch-models.sh
swift build --build-tests
swift test --skip-build
./scripts/make-bundle.sh
./scripts/test-bundle.sh
