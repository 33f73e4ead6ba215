#!/usr/bin/env bash
# Installs the system packages VulkanLM needs, once: the Vulkan loader and headers, glslang
# (shaders are compiled at build time), OpenBLAS, and for tests lavapipe (Mesa's Vulkan on
# the CPU) and the Khronos validation layer. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(
  libvulkan-dev          # Vulkan headers and loader (libvulkan.so.1 is opened at run time)
  glslang-tools          # glslangValidator: GLSL -> SPIR-V during `swift build`
  glslang-dev
  libopenblas-dev        # CPU backend
  mesa-vulkan-drivers    # lavapipe, the Vulkan device the tests run on
  vulkan-validationlayers
  xz-utils               # portable bundle
  python3-numpy          # tests: the random GPT-2/BERT checkpoints and their float64 references
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all system packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
