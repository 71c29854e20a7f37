#!/usr/bin/env bash
# Builds Tillguard's Windows installer on Debian: cross-compiles tillguard.exe for
# x86_64-pc-windows-gnu and packs it with wixl into target/packages/tillguard-VERSION-x64.msi,
# whose path is the last line printed. Installs mingw-w64 and wixl with apt-get when missing.
# See packaging/windows/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
triple=x86_64-pc-windows-gnu

say() { printf 'build-msi: %s\n' "$*" >&2; }
die() {
    say "error: $*"
    exit 1
}

missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
command -v x86_64-w64-mingw32-objdump >/dev/null || missing+=(binutils-mingw-w64-x86-64)
command -v wixl >/dev/null || missing+=(wixl)
if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get to install them"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if command -v rustup >/dev/null; then
    rustup target add "$triple" >/dev/null 2>&1 || die "rustup could not add the $triple target"
fi

# MSI versions are MAJOR.MINOR.BUILD numbers (at most 255.255.65535); a pre-release suffix
# (0.2.0-rc.1) is dropped, so an installed release candidate is replaced by its release.
pkgid=$(cargo pkgid --offline 2>/dev/null || cargo pkgid)
version=${pkgid##*[#@]}
msi_version=${version%%[-+]*}
IFS=. read -r major minor patch <<<"$msi_version"
[[ "$msi_version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && [ "$major" -le 255 ] && [ "$minor" -le 255 ] &&
    [ "$patch" -le 65535 ] || die "version '$version' in Cargo.toml does not fit an MSI version (255.255.65535)"

say "cargo build --release --target $triple (tillguard $version)"
cargo build --release --locked --target "$triple" --bin tillguard
target_dir=${CARGO_TARGET_DIR:-$root/target}
exe="$target_dir/$triple/release/tillguard.exe"
[ -f "$exe" ] || die "$exe was not built"

# Only system DLLs: a MinGW runtime DLL (libgcc_s, libwinpthread) would be missing on a shop PC.
dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/^\s*DLL Name: //p' | sort -u)
if grep -qiE '^(libgcc|libwinpthread|libstdc\+\+)' <<<"$dlls"; then
    die "tillguard.exe needs MinGW runtime DLLs: $(tr '\n' ' ' <<<"$dlls")"
fi

# The installed copy goes without its symbol tables (41 MB -> 30 MB); panics still name the
# source line.
mkdir -p "$target_dir/packages/stage"
staged="$target_dir/packages/stage/tillguard.exe"
x86_64-w64-mingw32-strip -o "$staged" "$exe"
msi="$target_dir/packages/tillguard-$version-x64.msi"
# wixl finds sources relative to the current folder only, not by absolute path.
rel_exe=$(realpath --relative-to="$root" "$staged")
say "wixl -> $msi"
wixl --arch x64 -D Version="$msi_version" -D Exe="$rel_exe" -o "$msi" packaging/windows/tillguard.wxs
echo "$msi"
