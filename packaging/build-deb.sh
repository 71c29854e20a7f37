#!/usr/bin/env bash
# Builds Tillguard's Debian package into target/packages/ and prints its path on the last
# line. Needs a Rust toolchain; installs cargo-deb (cargo install --locked) and dpkg-dev
# (for dpkg-shlibdeps, which works out the package's library dependencies) when missing.
# The release build it makes, with the same features, is the one build-rpm.sh packages.
#   bash packaging/build-deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_DEB_VERSION="${CARGO_DEB_VERSION:-3.8.0}"
OUT="target/packages"

say() { printf 'build-deb: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

command -v cargo >/dev/null || die "cargo not found: install a Rust toolchain (rustup) first"

if ! command -v dpkg-shlibdeps >/dev/null; then
    command -v apt-get >/dev/null || die "dpkg-shlibdeps not found and no apt-get: install dpkg-dev"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    say "installing dpkg-dev (dpkg-shlibdeps)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
fi

if ! cargo deb --version >/dev/null 2>&1; then
    say "installing cargo-deb $CARGO_DEB_VERSION"
    cargo install --locked --version "$CARGO_DEB_VERSION" cargo-deb
fi

mkdir -p "$OUT"
# Features, files and dependencies come from [package.metadata.deb] in Cargo.toml. cargo-deb
# builds the release binary itself (a no-op when it is up to date) and prints the .deb's path.
DEB="$(cargo deb --locked --output "$OUT/" | tail -n 1)"
[ -f "$DEB" ] || die "cargo deb did not write a package (it said: $DEB)"
say "wrote $DEB ($(du -h "$DEB" | cut -f1))"
echo "$DEB"
