#!/usr/bin/env bash
# Builds Tillguard's RPM package into target/packages/ and prints its path on the last line.
# Needs a Rust toolchain; installs cargo-generate-rpm (cargo install --locked) when missing.
# It packages target/release/tillguard: the release build build-deb.sh made is reused (the
# cargo build below is then a no-op), so run both and the program is compiled once.
#   bash packaging/build-rpm.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_GENERATE_RPM_VERSION="${CARGO_GENERATE_RPM_VERSION:-0.21.1}"
# The same as `features` in [package.metadata.deb]: both packages carry one binary.
FEATURES="usb"
OUT="target/packages"

say() { printf 'build-rpm: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

command -v cargo >/dev/null || die "cargo not found: install a Rust toolchain (rustup) first"

if ! cargo generate-rpm --version >/dev/null 2>&1; then
    say "installing cargo-generate-rpm $CARGO_GENERATE_RPM_VERSION"
    cargo install --locked --version "$CARGO_GENERATE_RPM_VERSION" cargo-generate-rpm
fi

# cargo generate-rpm only packs files; it does not build.
cargo build --release --locked --features "$FEATURES" --bin tillguard
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
[ -x "$TARGET_DIR/release/tillguard" ] || die "no release binary at $TARGET_DIR/release/tillguard"

PKGID="$(cargo pkgid)"
VERSION="${PKGID##*[#@]}"
mkdir -p "$OUT"
rm -f "$OUT"/tillguard-"$VERSION"-*.rpm
# Files, scripts and weak dependencies come from [package.metadata.generate-rpm] in Cargo.toml.
cargo generate-rpm --target-dir "$TARGET_DIR" --output "$OUT/"
shopt -s nullglob
RPMS=("$OUT"/tillguard-"$VERSION"-*.rpm)
[ "${#RPMS[@]}" -eq 1 ] || die "cargo generate-rpm did not write one $OUT/tillguard-$VERSION-*.rpm"
RPM="${RPMS[0]}"
say "wrote $RPM ($(du -h "$RPM" | cut -f1))"
echo "$RPM"
