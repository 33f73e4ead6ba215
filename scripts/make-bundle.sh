#!/usr/bin/env bash
# make-bundle.sh: build a portable VulkanLM bundle for Linux x86_64 machines that
# have a GPU driver and nothing else (no Swift toolchain, no Vulkan loader, no OpenBLAS).
#
# Usage:
#   scripts/make-bundle.sh [--skip-build]
#
#   --skip-build   reuse the existing release binary in .build-release/ instead of building.
#
# What it does (from the repository root, whatever the current directory):
#   1. swift build -c release --static-swift-stdlib --product vulkanlm --scratch-path .build-release
#      (a separate scratch path, so debug builds in .build/ are left alone).
#   2. Works out which shared libraries the binary needs that are not part of the base
#      system (glibc, libgcc_s, libstdc++), recursively via readelf NEEDED, plus
#      libvulkan.so.1 (dlopened at run time), and takes each from its Debian package:
#      apt-get download into .cache/debs/, dpkg -x, never copied from the host's /usr/lib.
#      Packages installed on the host are fetched at the installed version.
#   3. Lays out dist/vulkanlm-linux-x86_64/:
#        vulkanlm            launcher: sets LD_LIBRARY_PATH to lib/, falls back to
#                            VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
#                            when no ICD is in the standard places, execs bin/vulkanlm "$@"
#        bin/vulkanlm        stripped binary
#        lib/                libvulkan.so.1, libopenblas.so.0, libgfortran.so.5, libquadmath.so.0, ...
#        licenses/           Debian copyright files of the bundled packages
#        BUNDLE-INFO.txt     versions, packages, minimum glibc
#   4. Packs dist/vulkanlm-linux-x86_64.tar.xz (xz -9) and prints the sizes.
#
# Running it again rebuilds the bundle from scratch (the .deb cache is reused).
# Requires: swift, apt-get, dpkg-deb, readelf, strip, tar, xz. Not root-only, but if
# apt-get download fails and we are root, `apt-get update` is run once and retried.
#
# Environment (mostly for testing the script itself):
#   VULKANLM_PACKAGE_DIR   Swift package to build (default: this repository). dist/, .cache/
#                          and .build-release/ are placed inside it.
#   VULKANLM_DEB_CACHE     .deb cache directory (default: <package>/.cache/debs)
#   VULKANLM_NO_APT_UPDATE set to 1 to never run apt-get update
#
# Test the result with scripts/test-bundle.sh.
set -euo pipefail

die() { printf 'make-bundle: error: %s\n' "$*" >&2; exit 1; }
note() { printf 'make-bundle: %s\n' "$*" >&2; }
trap 'printf "make-bundle: error: command failed (line %s): %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR
set -E

SKIP_BUILD=0
for arg in "$@"; do
    case $arg in
        --skip-build) SKIP_BUILD=1 ;;
        -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
PACKAGE_DIR=$(cd -- "${VULKANLM_PACKAGE_DIR:-$REPO_ROOT}" 2>/dev/null && pwd -P) \
    || die "package directory '${VULKANLM_PACKAGE_DIR:-}' does not exist"
[[ -f $PACKAGE_DIR/Package.swift ]] || die "no Package.swift in $PACKAGE_DIR"
cd "$PACKAGE_DIR"

PRODUCT=vulkanlm
BUNDLE_NAME=vulkanlm-linux-x86_64
SCRATCH=$PACKAGE_DIR/.build-release
DIST=$PACKAGE_DIR/dist
BUNDLE=$DIST/$BUNDLE_NAME
TARBALL=$DIST/$BUNDLE_NAME.tar.xz
DEB_CACHE=${VULKANLM_DEB_CACHE:-$PACKAGE_DIR/.cache/debs}
ARCH=amd64

[[ $(uname -m) == x86_64 ]] || die "this script builds x86_64 bundles and must run on x86_64 (found $(uname -m))"
for tool in apt-get apt-cache dpkg-deb dpkg-query readelf strip tar xz; do
    command -v "$tool" >/dev/null || die "required tool '$tool' not found"
done

# Sonames every glibc-based x86_64 Linux has; these are never bundled. libstdc++ and
# libgcc_s stay on this list on purpose: GPU drivers load into the same process and may
# need a newer libstdc++ than ours, and forcing our copy via LD_LIBRARY_PATH would break them.
is_system_soname() {
    case $1 in
        ld-linux-x86-64.so.2|libc.so.6|libm.so.6|libpthread.so.0|libdl.so.2|librt.so.1|\
        libresolv.so.2|libutil.so.1|libanl.so.1|libmvec.so.1|libgcc_s.so.1|libstdc++.so.6) return 0 ;;
    esac
    return 1
}

# Soname -> Debian package. Fixed choices first (libopenblas.so.0 could come from the
# pthread, openmp or serial flavour; we ship pthread), then whatever dpkg knows.
package_for_soname() {
    case $1 in
        libvulkan.so.1) echo libvulkan1; return ;;
        libopenblas.so.0) echo libopenblas0-pthread; return ;;
        libgfortran.so.5) echo libgfortran5; return ;;
        libquadmath.so.0) echo libquadmath0; return ;;
    esac
    local pkg
    pkg=$(dpkg-query -S "*/$1" 2>/dev/null | awk -F': ' -v so="/$1" '
        { n = length($2); if (substr($2, n - length(so) + 1) == so) { sub(/:.*/, "", $1); print $1; exit } }') || true
    [[ -n $pkg ]] || die "cannot tell which Debian package provides $1 (needed by the binary); install it on this machine or add it to package_for_soname in $0"
    echo "$pkg"
}

APT_OPTS=()
[[ $(id -u) == 0 ]] && APT_OPTS=(-o APT::Sandbox::User=root)
APT_UPDATED=0

# Prints the path of the cached .deb for package $1 (downloading it if needed).
fetch_deb() {
    local pkg=$1 want deb v
    want=$(dpkg-query -W -f='${db:Status-Status} ${Version}' "$pkg:$ARCH" 2>/dev/null | awk '$1 == "installed" { print $2 }') || true
    for deb in "$DEB_CACHE/${pkg}_"*"_$ARCH.deb"; do
        [[ -f $deb ]] || continue
        v=$(dpkg-deb -f "$deb" Version)
        if [[ -z $want || $v == "$want" ]]; then echo "$deb"; return; fi
    done
    local spec="$pkg:$ARCH${want:+=$want}" attempt
    for attempt in 1 2 3; do
        if (cd "$DEB_CACHE" && apt-get "${APT_OPTS[@]}" -q download "$spec") >&2; then
            break
        fi
        if [[ $attempt == 1 && $APT_UPDATED == 0 && $(id -u) == 0 && ${VULKANLM_NO_APT_UPDATE:-0} != 1 ]]; then
            note "apt-get download $spec failed; running apt-get update once and retrying"
            apt-get -q update >&2 || die "apt-get update failed"
            APT_UPDATED=1
        elif [[ -n $want && $spec == *=* ]]; then
            note "warning: $pkg $want (the version installed here) is not downloadable; taking the archive's candidate version"
            spec="$pkg:$ARCH"
        else
            die "apt-get download $spec failed (is the Debian archive reachable? try: apt-get update)"
        fi
    done
    for deb in "$DEB_CACHE/${pkg}_"*"_$ARCH.deb"; do
        [[ -f $deb ]] || continue
        v=$(dpkg-deb -f "$deb" Version)
        if [[ -z $want || $v == "$want" || $spec != *=* ]]; then echo "$deb"; return; fi
    done
    die "downloaded $spec but cannot find its .deb in $DEB_CACHE"
}

# Prints the directory package $1 is unpacked in (dpkg -x, cached by .deb name).
unpack_deb() {
    local deb dir
    deb=$(fetch_deb "$1")
    dir=$DEB_CACHE/x/$(basename "$deb" .deb)
    if [[ ! -f $dir/.unpacked ]]; then
        rm -rf "$dir"; mkdir -p "$dir"
        dpkg-deb -x "$deb" "$dir" || die "dpkg-deb -x $deb failed"
        : > "$dir/.unpacked"
    fi
    echo "$dir"
}

needed_sonames() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'; }

# ---------------------------------------------------------------- 1. build
if [[ $SKIP_BUILD == 1 ]]; then
    note "--skip-build: reusing the release binary in $SCRATCH"
else
    command -v swift >/dev/null || die "swift not found in PATH"
    note "building: swift build -c release --static-swift-stdlib --product $PRODUCT --scratch-path $SCRATCH"
    swift build -c release --static-swift-stdlib --product "$PRODUCT" --scratch-path "$SCRATCH" \
        || die "swift build failed"
fi
BUILT=$SCRATCH/release/$PRODUCT   # SwiftPM's release -> <triple>/release link
[[ -x $BUILT ]] || die "no release binary at $BUILT (run without --skip-build first)"
if needed_sonames "$BUILT" | grep -q '^libswift\|^libFoundation\|^lib_Foundation\|^libicu'; then
    die "$BUILT links Swift runtime libraries dynamically ($(needed_sonames "$BUILT" | grep -E '^lib(swift|_?Foundation|icu)' | tr '\n' ' ')); it must be built with --static-swift-stdlib (rerun without --skip-build)"
fi

# ---------------------------------------------------------------- 2. lay out the bundle
mkdir -p "$DIST" "$DEB_CACHE"
STAGE=$DIST/.$BUNDLE_NAME.tmp
trap 'rm -rf "$STAGE" "$TARBALL.tmp"' EXIT
rm -rf "$STAGE"
mkdir -p "$STAGE/bin" "$STAGE/lib" "$STAGE/licenses"
strip --strip-all -o "$STAGE/bin/$PRODUCT" "$BUILT" || die "strip failed"
chmod 755 "$STAGE/bin/$PRODUCT"

declare -A SEEN=() PKG_OF=() PKGS=()
mapfile -t QUEUE < <(needed_sonames "$BUILT")
QUEUE+=(libvulkan.so.1)   # dlopened at run time, so not NEEDED
while ((${#QUEUE[@]})); do
    soname=${QUEUE[0]}; QUEUE=("${QUEUE[@]:1}")
    [[ -n ${SEEN[$soname]:-} ]] && continue
    SEEN[$soname]=1
    is_system_soname "$soname" && continue
    pkg=$(package_for_soname "$soname")
    dir=$(unpack_deb "$pkg")
    # Prefer the multiarch library directory; openblas lives in a flavour subdirectory.
    src=$(find "$dir" \( -type f -o -type l \) -name "$soname" | awk '{ print (index($0, "/x86_64-linux-gnu/") ? 0 : 1) "\t" length($0) "\t" $0 }' \
          | sort -n | head -n1 | cut -f3)
    [[ -n $src ]] || die "package $pkg ($(basename "$dir")) has no file named $soname"
    real=$(realpath -e "$src" 2>/dev/null) || die "$src is a dangling link inside $pkg"
    [[ $real == "$dir"/* ]] || die "$src in $pkg points outside the unpacked package ($real); refusing to copy from the host"
    cp "$real" "$STAGE/lib/$soname"
    chmod 644 "$STAGE/lib/$soname"
    got=$(readelf -d "$STAGE/lib/$soname" | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
    [[ -z $got || $got == "$soname" ]] || note "warning: $pkg's $soname has SONAME $got"
    PKG_OF[$soname]=$pkg
    PKGS[$pkg]=$(basename "$dir")
    note "lib/$soname  <-  $(basename "$dir").deb:${real#"$dir"}"
    mapfile -t -O "${#QUEUE[@]}" QUEUE < <(needed_sonames "$STAGE/lib/$soname")
done

# Licences: usr/share/doc/<pkg>/copyright, following Debian's doc-directory symlinks
# (libgfortran5 -> gcc-12-base) into the package that owns the target.
for pkg in "${!PKGS[@]}"; do
    dir=$DEB_CACHE/x/${PKGS[$pkg]}
    doc=$dir/usr/share/doc/$pkg
    if [[ -L $doc ]]; then
        owner=$(basename "$(readlink "$doc")")
        doc=$(unpack_deb "$owner")/usr/share/doc/$owner
    fi
    if [[ -f $doc/copyright ]]; then
        cp "$doc/copyright" "$STAGE/licenses/$pkg.copyright"
    else
        note "warning: no copyright file found for $pkg"
    fi
done

cat > "$STAGE/vulkanlm" <<'LAUNCHER'
#!/bin/sh
# VulkanLM portable launcher: runs bin/vulkanlm with the libraries in lib/.
# Uses shell built-ins only (readlink if present), so it works on minimal systems.
# VULKANLM_LAUNCHER_DEBUG=1 prints what it sets.
# Follow symlinks to the launcher when readlink exists (no /dev/null needed either way).
self=$0
if r=$(readlink -f "$0" 2>&1) && [ -n "$r" ] && [ -f "$r" ]; then self=$r; fi
case $self in
    */*) here=${self%/*} ;;
    *) here=. ;;
esac
here=$(cd "$here" && pwd -P) || { echo "vulkanlm: cannot find the bundle directory" >&2; exit 127; }

LD_LIBRARY_PATH=$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# No ICD in the places the Vulkan loader searches: use the NVIDIA one that GPU
# container runtimes mount under /usr/local/nvidia, if present.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
    found=
    dirs=${XDG_CONFIG_HOME:-${HOME:-/nonexistent}/.config}:${XDG_CONFIG_DIRS:-/etc/xdg}:/etc
    dirs=$dirs:${XDG_DATA_HOME:-${HOME:-/nonexistent}/.local/share}:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}
    saved_ifs=$IFS
    IFS=:
    for d in $dirs; do
        for f in "$d"/vulkan/icd.d/*.json; do
            if [ -e "$f" ]; then found=$f; break 2; fi
        done
    done
    IFS=$saved_ifs
    nv=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    if [ -z "$found" ] && [ -f "$nv" ]; then
        VK_DRIVER_FILES=$nv
        export VK_DRIVER_FILES
        # The ICD names its library without a path; make the driver's directory searchable.
        case ":$LD_LIBRARY_PATH:" in
            *:/usr/local/nvidia/lib64:*) ;;
            *) [ -d /usr/local/nvidia/lib64 ] && LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/local/nvidia/lib64 ;;
        esac
    fi
fi
export LD_LIBRARY_PATH

if [ -n "${VULKANLM_LAUNCHER_DEBUG:-}" ]; then
    echo "vulkanlm launcher: LD_LIBRARY_PATH=$LD_LIBRARY_PATH" >&2
    echo "vulkanlm launcher: VK_DRIVER_FILES=${VK_DRIVER_FILES:-}" >&2
fi
exec "$here/bin/vulkanlm" "$@"
LAUNCHER
chmod 755 "$STAGE/vulkanlm"

# Highest symbol versions the bundle asks of the base system.
max_version() {  # $1 = prefix (GLIBC_, GLIBCXX_, GCC_)
    local f
    for f in "$STAGE/bin/$PRODUCT" "$STAGE"/lib/*; do
        readelf -W --dyn-syms "$f" | { grep -o "@$1[0-9.]*" || true; } | sed "s/^@$1//"
    done | sort -V | tail -n1
}
GLIBC_MIN=$(max_version GLIBC_)
GLIBCXX_MIN=$(max_version GLIBCXX_)
GCC_MIN=$(max_version GCC_)
{
    echo "VulkanLM portable bundle ($BUNDLE_NAME)"
    echo "built:    $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null)"
    echo "source:   $(git -C "$PACKAGE_DIR" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "swift:    $(swift --version 2>/dev/null | head -n1 || echo unknown)"
    echo "needs:    Linux x86_64, glibc >= ${GLIBC_MIN:-?}, libstdc++ with GLIBCXX_${GLIBCXX_MIN:-none}, libgcc_s with GCC_${GCC_MIN:-none}"
    echo "run:      ./vulkanlm devices"
    echo "bundled libraries (from Debian packages):"
    for so in $(printf '%s\n' "${!PKG_OF[@]}" | sort); do
        echo "  lib/$so  ${PKGS[${PKG_OF[$so]}]}"
    done
} > "$STAGE/BUNDLE-INFO.txt"

rm -rf "$BUNDLE"
mv "$STAGE" "$BUNDLE"

# ---------------------------------------------------------------- 3. tarball
note "packing $TARBALL (xz -9)"
rm -f "$TARBALL.tmp"
tar -C "$DIST" --sort=name --owner=0 --group=0 --numeric-owner -cf - "$BUNDLE_NAME" \
    | xz -9 -T1 -c > "$TARBALL.tmp" || die "tar/xz failed"
mv "$TARBALL.tmp" "$TARBALL"

human() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }
echo
echo "bundle: $BUNDLE"
(cd "$BUNDLE" && find . -type f -printf '%s\t%p\n' | sort -k2 | while IFS=$'\t' read -r size path; do
    printf '  %10s  %s\n' "$(human "$size")" "${path#./}"
done)
echo "directory: $(human "$(du -sb "$BUNDLE" | cut -f1)")"
echo "tarball:   $(human "$(stat -c %s "$TARBALL")")  $TARBALL"
echo "needs glibc >= ${GLIBC_MIN:-?} on the target"
