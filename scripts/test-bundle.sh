#!/usr/bin/env bash
# test-bundle.sh: prove the portable bundle from scripts/make-bundle.sh runs on a machine
# that has glibc and nothing else: no Swift runtime, no Vulkan loader, no OpenBLAS.
#
# Usage:
#   scripts/test-bundle.sh [BUNDLE]
#
#   BUNDLE   dist/vulkanlm-linux-x86_64.tar.xz (the default, when it exists) or the
#            dist/vulkanlm-linux-x86_64 directory. Testing the tarball tests what ships.
#
# Checks:
#   host ldd       LD_LIBRARY_PATH=<bundle>/lib ldd bin/vulkanlm and lib/*: nothing missing,
#                  libopenblas (and the libraries it needs) resolve inside the bundle.
#   chroot         builds a root directory under a temp dir that holds only the bundle,
#                  the glibc pieces `ldd` resolves outside the bundle (each checked not to
#                  be libvulkan/libopenblas/libgfortran/libquadmath/libswift*), and dash
#                  as /bin/sh for the launcher. No /dev, /sys, /etc, no ld.so.cache; /proc
#                  is mounted inside a private namespace (`unshare --mount --pid
#                  --mount-proc`) because Swift reads its arguments from /proc/self/cmdline.
#   hidden libs    negative control: bin/vulkanlm without the launcher must fail there
#                  (proves no libopenblas is reachable except the bundle's).
#   devices        `vulkanlm devices` through the launcher: exit 0, output mentions cpu.
#   vulkan loader  during `devices`, LD_DEBUG shows libvulkan.so.1 initialised from the
#                  bundle's lib/ (the program dlopens it).
#   bench          `vulkanlm bench --device cpu --quick`: exit 0, non-empty output.
#   launcher ICD   with a stand-in bin/vulkanlm: VK_DRIVER_FILES is set to
#                  /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json only when that file
#                  exists and no ICD is in the standard places.
# Ends with `bundle test: N passed, M failed`; exits 1 if anything failed.
#
# Needs root (chroot, unshare); as another user it adds `unshare --map-root-user`.
# Environment:
#   VULKANLM_PACKAGE_DIR      where dist/ is looked for (default: this repository)
#   VULKANLM_TEST_TIMEOUT     seconds per command in the chroot (default 600)
#   VULKANLM_TEST_PRIVATE_WORK=1  use the chroot-inside-a-chroot path (a private bind mount of the
#                             work folder) even where "/" is a mount point, to test it
#   VULKANLM_TEST_KEEP=1      keep the temp root directory for inspection
set -euo pipefail

die() { printf 'test-bundle: error: %s\n' "$*" >&2; exit 2; }

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
PACKAGE_DIR=$(cd -- "${VULKANLM_PACKAGE_DIR:-$REPO_ROOT}" 2>/dev/null && pwd -P) \
    || die "package directory '${VULKANLM_PACKAGE_DIR:-}' does not exist"
BUNDLE_NAME=vulkanlm-linux-x86_64
TIMEOUT=${VULKANLM_TEST_TIMEOUT:-600}

case ${1:-} in
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
esac
(($# <= 1)) || die "too many arguments (try --help)"
if (($# == 1)); then
    BUNDLE_SRC=$(realpath -e -- "$1" 2>/dev/null) || die "no such bundle: $1"
elif [[ -f $PACKAGE_DIR/dist/$BUNDLE_NAME.tar.xz ]]; then
    BUNDLE_SRC=$PACKAGE_DIR/dist/$BUNDLE_NAME.tar.xz
elif [[ -d $PACKAGE_DIR/dist/$BUNDLE_NAME ]]; then
    BUNDLE_SRC=$PACKAGE_DIR/dist/$BUNDLE_NAME
else
    die "no bundle in $PACKAGE_DIR/dist; run scripts/make-bundle.sh first"
fi

for tool in ldd chroot timeout tar xz realpath; do
    command -v "$tool" >/dev/null || die "required tool '$tool' not found"
done
SH_BIN=$(command -v dash || true)
[[ -n $SH_BIN ]] || die "dash not found (needed as /bin/sh inside the chroot; apt-get install dash)"
SH_BIN=$(realpath -e "$SH_BIN")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/vulkanlm-bundle-test.XXXXXX")
# Nothing is mounted under $WORK in this namespace (see unshare below), so removing it is safe;
# the one exception, $WORK bound onto itself (see "chroot inside a chroot" below), is unmounted first.
WORK_BOUND=0
cleanup() {
    if ((WORK_BOUND)); then umount "$WORK" || { echo "cannot unmount $WORK: left in place" >&2; return; }; fi
    if [[ ${VULKANLM_TEST_KEEP:-0} == 1 ]]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
ROOT=$WORK/root
INSIDE=/opt/$BUNDLE_NAME          # the bundle's path inside the chroot
B=$ROOT$INSIDE                    # ... and on the host
mkdir -p "$ROOT/opt" "$ROOT/bin" "$ROOT/tmp" "$ROOT/proc"
chmod 1777 "$ROOT/tmp"

# The chroot gets /proc, mounted in a private mount+PID namespace (unshare --mount-proc),
# so nothing is ever mounted in the host's namespace: Swift reads CommandLine.arguments
# from /proc/self/cmdline, and every real target has /proc anyway.
# Absolute paths: the commands run under env -i with PATH=/bin (the chroot's PATH).
command -v unshare >/dev/null || die "unshare (util-linux) not found"
TIMEOUT_BIN=$(command -v timeout)
CHROOT=("$(command -v unshare)" --mount --pid --fork --kill-child)
[[ $(id -u) == 0 ]] || CHROOT+=(--map-root-user)
# A chroot inside a chroot (a build root, a clean-machine check): "/" is not a mount point there,
# so unshare cannot make it private ("cannot change root filesystem propagation"). Then $WORK is
# bound onto itself as a private mount, and the namespace keeps the propagation it inherits:
# /proc, mounted under that private mount, still never reaches the host's namespace.
if [[ $(id -u) == 0 ]] && { [[ ${VULKANLM_TEST_PRIVATE_WORK:-0} == 1 ]] || ! "${CHROOT[@]}" true 2>/dev/null; }; then
    mount --bind "$WORK" "$WORK" && WORK_BOUND=1 && mount --make-private "$WORK" \
        || die "cannot make $WORK a private mount for the chroot's /proc"
    CHROOT+=(--propagation unchanged)
    echo "test-bundle: / is not a mount point here; $WORK is a private bind mount for the chroot's /proc"
fi
CHROOT+=(--mount-proc="$ROOT/proc" "$(command -v chroot)")

echo "test-bundle: bundle $BUNDLE_SRC"
if [[ -f $BUNDLE_SRC ]]; then
    tar -C "$ROOT/opt" -xJf "$BUNDLE_SRC" || die "cannot unpack $BUNDLE_SRC"
else
    cp -a "$BUNDLE_SRC" "$ROOT/opt/$BUNDLE_NAME"
fi
[[ -x $B/vulkanlm && -x $B/bin/vulkanlm && -d $B/lib ]] \
    || die "$BUNDLE_SRC does not look like a bundle (want vulkanlm, bin/vulkanlm, lib/)"

PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1"; }
fail() {
    FAILED=$((FAILED + 1)); printf 'FAIL  %s: %s\n' "$1" "${2# }"
    if [[ -n ${3:-} && -s $3 ]]; then sed -n '1,40s/^/      | /p' "$3"; fi
}

# ------------------------------------------------------------ host ldd
# Resolved paths from ldd output (both "x => /path (addr)" and "/path (addr)" lines).
ldd_paths() { awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'; }
# The libraries a target machine is assumed to have (same list as make-bundle.sh).
is_base_system() {
    case ${1##*/} in
        ld-linux-x86-64.so.2|libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|librt.so.1|\
        libresolv.so.2|libutil.so.1|libanl.so.1|libmvec.so.1|libgcc_s.so.1|libstdc++.so.6) return 0 ;;
    esac
    return 1
}
BUNDLE_LIBS=("$B"/lib/*.so*)
LDD_OUT=$WORK/ldd.txt
for f in "$B/bin/vulkanlm" "${BUNDLE_LIBS[@]}"; do
    echo "== ${f#"$B"/}"
    LD_LIBRARY_PATH=$B/lib ldd "$f" 2>&1 || true
done > "$LDD_OUT"
problems=
grep -q 'not found' "$LDD_OUT" && problems+="unresolved: $(grep 'not found' "$LDD_OUT" | awk '{print $1}' | sort -u | tr '\n' ' ')"
grep -Eq '^[[:space:]]*libopenblas\.so\.0 => '"$B"'/lib/libopenblas\.so\.0 ' "$LDD_OUT" \
    || problems+=" libopenblas.so.0 does not resolve to $B/lib;"
for so in "$B"/lib/*.so*; do   # a bundled library needed by anything must come from the bundle
    name=${so##*/}
    if grep -E "^[[:space:]]*${name//./\\.} => " "$LDD_OUT" | grep -vq " => $B/lib/$name "; then
        problems+=" $name resolves outside the bundle;"
    fi
done
grep -q 'libswift' "$LDD_OUT" && problems+=" libswift* is needed (not a --static-swift-stdlib build);"
# Whatever resolves outside the bundle must be part of every glibc system.
for p in $(ldd_paths < "$LDD_OUT" | grep -v "^$B/" | sort -u); do
    is_base_system "$p" || problems+=" ${p##*/} is not bundled (ldd found the host's $p);"
done
if [[ -z $problems ]]; then pass "host ldd: libopenblas and its dependencies resolve inside the bundle"
else fail "host ldd" "$problems" "$LDD_OUT"; fi

# ------------------------------------------------------------ chroot
# Exactly what ldd resolves outside the bundle (for bin/, lib/ and dash), minus anything
# that is not base system: those were reported above and stay out, so the runs below fail.
SYS_LIBS=() SKIPPED=()
for p in $( { ldd_paths < "$LDD_OUT"; ldd "$SH_BIN" | ldd_paths; } | grep -v "^$B/" | sort -u); do
    if is_base_system "$p" && [[ ! ${p##*/} =~ ^lib(vulkan|openblas|blas|lapack|gfortran|quadmath|swift|_?Foundation|icu) ]]; then
        SYS_LIBS+=("$p")
    else
        SKIPPED+=("$p")
    fi
done
echo "test-bundle: chroot $ROOT gets, besides the bundle and /bin/sh ($SH_BIN):"
((${#SKIPPED[@]} == 0)) || echo "      (not copied, not base system: ${SKIPPED[*]})"
for p in "${SYS_LIBS[@]}"; do
    mkdir -p "$ROOT${p%/*}"
    cp -L "$p" "$ROOT$p"
    echo "      $p"
done
cp "$SH_BIN" "$ROOT/bin/sh"
# The interpreter path baked into the binaries must exist (ldd prints it, but make sure).
interp=$(readelf -l "$B/bin/vulkanlm" | sed -n 's/.*Requesting program interpreter: \(.*\)\]$/\1/p')
[[ -z $interp || -e $ROOT$interp ]] || die "program interpreter $interp missing from the chroot"

# Runs a command in the chroot with a clean environment; stdout+stderr to $1, rc echoed.
in_chroot() {
    local out=$1; shift
    local rc=0
    env -i PATH=/bin HOME=/tmp TMPDIR=/tmp LANG=C "${EXTRA_ENV[@]}" \
        "$TIMEOUT_BIN" "$TIMEOUT" "${CHROOT[@]}" "$ROOT" "$@" > "$out" 2>&1 || rc=$?
    echo "$rc"
}
EXTRA_ENV=()

# Negative control: the binary alone must not find libopenblas anywhere in the chroot.
out=$WORK/direct.txt
rc=$(in_chroot "$out" "$INSIDE/bin/vulkanlm" devices)
if [[ $rc != 0 ]] && grep -q 'libopenblas.so.0' "$out"; then
    pass "chroot hides the system libraries (bin/vulkanlm alone cannot load libopenblas.so.0)"
else
    if [[ $rc == 0 ]]; then why="bin/vulkanlm ran without the launcher; the chroot is not isolated"
    else why="bin/vulkanlm failed (exit $rc), but not for lack of libopenblas.so.0"; fi
    fail "chroot hides the system libraries" "$why" "$out"
fi

out=$WORK/devices.txt
rc=$(in_chroot "$out" "$INSIDE/vulkanlm" devices)
if [[ $rc == 0 ]] && grep -qi 'cpu' "$out"; then
    pass "vulkanlm devices (exit 0, mentions cpu)"
    sed 's/^/      | /' "$out"
else
    fail "vulkanlm devices" "exit $rc$(grep -qi cpu "$out" || echo ', no mention of cpu')" "$out"
fi

out=$WORK/devices-lddebug.txt
EXTRA_ENV=(LD_DEBUG=files)
rc=$(in_chroot "$out" "$INSIDE/vulkanlm" devices)
EXTRA_ENV=()
if grep -q "calling init: $INSIDE/lib/libvulkan.so.1\$" "$out"; then
    pass "libvulkan.so.1 is loaded from the bundle during devices"
else
    grep -i 'vulkan\|error' "$out" > "$out.excerpt" || tail -n 20 "$out" > "$out.excerpt"
    fail "libvulkan.so.1 is loaded from the bundle during devices" \
        "no 'calling init: $INSIDE/lib/libvulkan.so.1' in LD_DEBUG=files output (exit $rc)" "$out.excerpt"
fi

out=$WORK/bench.txt
rc=$(in_chroot "$out" "$INSIDE/vulkanlm" bench --device cpu --quick)
if [[ $rc == 0 ]] && grep -q '[^[:space:]]' "$out"; then
    pass "vulkanlm bench --device cpu --quick (exit 0, output non-empty)"
    sed -n '1,20s/^/      | /p' "$out"
else
    fail "vulkanlm bench --device cpu --quick" "exit $rc$(grep -q '[^[:space:]]' "$out" || echo ', no output')" "$out"
fi

# ------------------------------------------------------------ launcher ICD fallback
# A copy of the launcher next to a stand-in bin/vulkanlm that prints what it was given.
P=$ROOT/opt/probe
mkdir -p "$P/bin" "$P/lib"
cp "$B/vulkanlm" "$P/vulkanlm"
# shellcheck disable=SC2016  # the $ expansions belong to the stand-in script
printf '#!/bin/sh\necho "args=$*"\necho "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"\necho "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"\n' > "$P/bin/vulkanlm"
chmod 755 "$P/bin/vulkanlm"
NV=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
problems=
out=$WORK/probe1.txt; rc=$(in_chroot "$out" /opt/probe/vulkanlm a 'b c')
grep -qx 'args=a b c' "$out" || problems+=" arguments not passed through (rc=$rc);"
grep -qx 'LD_LIBRARY_PATH=/opt/probe/lib' "$out" || problems+=" LD_LIBRARY_PATH not set to the bundle's lib;"
grep -qx 'VK_DRIVER_FILES=' "$out" || problems+=" VK_DRIVER_FILES set without an NVIDIA ICD;"
mkdir -p "$ROOT${NV%/*}" "$ROOT/usr/local/nvidia/lib64"
echo '{}' > "$ROOT$NV"
out=$WORK/probe2.txt; rc=$(in_chroot "$out" /opt/probe/vulkanlm)
grep -qx "VK_DRIVER_FILES=$NV" "$out" || problems+=" VK_DRIVER_FILES not set to $NV when it is the only ICD;"
grep -qx 'LD_LIBRARY_PATH=/opt/probe/lib:/usr/local/nvidia/lib64' "$out" || problems+=" /usr/local/nvidia/lib64 not appended;"
mkdir -p "$ROOT/usr/share/vulkan/icd.d"
echo '{}' > "$ROOT/usr/share/vulkan/icd.d/other_icd.json"
out=$WORK/probe3.txt; rc=$(in_chroot "$out" /opt/probe/vulkanlm)
grep -qx 'VK_DRIVER_FILES=' "$out" || problems+=" VK_DRIVER_FILES overrides an ICD in /usr/share/vulkan/icd.d;"
EXTRA_ENV=(VK_DRIVER_FILES=/x.json); rm "$ROOT/usr/share/vulkan/icd.d/other_icd.json"
out=$WORK/probe4.txt; rc=$(in_chroot "$out" /opt/probe/vulkanlm)
EXTRA_ENV=()
grep -qx 'VK_DRIVER_FILES=/x.json' "$out" || problems+=" a VK_DRIVER_FILES set by the user is not kept;"
rm -rf "$P" "$ROOT/usr/local/nvidia" "$ROOT/usr/share/vulkan"
if [[ -z $problems ]]; then pass "launcher: LD_LIBRARY_PATH, arguments, NVIDIA ICD fallback"
else fail "launcher" "$problems" "$WORK/probe1.txt"; fi

echo "bundle test: $PASSED passed, $FAILED failed"
((FAILED == 0))
