#!/usr/bin/env bash
# Fuzz smoke run: builds every cargo-fuzz target in fuzz/ and runs each for FUZZ_SECONDS
# (default 60) from a copy of its committed corpus (fuzz/corpus/<target>), so the checked-in
# corpus is never changed. Fails on any crash (the input is kept in fuzz/artifacts/<target>/),
# and prints per target the inputs executed and a summary table.
# Uses the nightly toolchain when installed; otherwise stable with RUSTC_BOOTSTRAP=1 (cargo
# fuzz needs -Z flags). Installs cargo-fuzz when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
# A fixed seed makes the run repeatable (the same commit meets the same inputs, so CI does not
# fail at random); FUZZ_SEED=0 lets libFuzzer pick one, for longer exploratory runs.
FUZZ_SEED="${FUZZ_SEED:-1}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR=never
# The fuzz build (instrumented, sanitizers) lives in fuzz/target, apart from the main build.
unset CARGO_TARGET_DIR
# As `cargo fuzz run` sets it: Rust and bundled C code may define the same globals.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_odr_violation=0}"

started=$SECONDS
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    cargo=(cargo +nightly)
else
    echo "no nightly toolchain: using $(rustc --version) with RUSTC_BOOTSTRAP=1"
    cargo=(cargo)
    export RUSTC_BOOTSTRAP=1
fi
if ! "${cargo[@]}" fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
"${cargo[@]}" --version
"${cargo[@]}" fuzz --version

mapfile -t targets < <("${cargo[@]}" fuzz list)
[ "${#targets[@]}" -gt 0 ] || { echo "no fuzz targets found" >&2; exit 1; }

echo "building ${#targets[@]} fuzz targets"
# No sanitizer: the targets are safe Rust (ASAN would double the build of iced, wgpu and the rest).
"${cargo[@]}" fuzz build --sanitizer none
build_seconds=$((SECONDS - started))
# The built binaries are run directly: `cargo fuzz run` would check the build again first.
bin="fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
rows=()
for target in "${targets[@]}"; do
    corpus="$work/$target"
    mkdir -p "$corpus"
    if [ -d "fuzz/corpus/$target" ]; then
        cp -R "fuzz/corpus/$target/." "$corpus/"
    fi
    seeds=$(find "$corpus" -type f | wc -l)
    log="$work/$target.log"
    echo "=== $target: $FUZZ_SECONDS s from $seeds corpus files ==="
    status=ok
    mkdir -p "fuzz/artifacts/$target"
    if ! "$bin/$target" "$corpus" -artifact_prefix="fuzz/artifacts/$target/" \
        -max_total_time="$FUZZ_SECONDS" -seed="$FUZZ_SEED" -timeout=30 -print_final_stats=1 >"$log" 2>&1; then
        status=CRASH
        failed=1
        # libFuzzer's report: the panic, the stack and the file the input was saved to.
        grep -v '^#[0-9]' "$log" | tail -n 60
    fi
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)
    grep -E '^Done [0-9]+ runs|stat::number_of_executed_units' "$log" || true
    rows+=("$(printf '%-14s %12s %10s %8s %s' "$target" "${execs:-?}" "${rate:-?}" "$seeds" "$status")")
done

echo
printf '%-14s %12s %10s %8s %s\n' target executions exec/s corpus result
printf '%s\n' "${rows[@]}"
echo "build ${build_seconds} s, total $((SECONDS - started)) s, ${FUZZ_SECONDS} s per target, seed ${FUZZ_SEED}"
if [ "$failed" -ne 0 ]; then
    echo "fuzzing found a crash: see the report above and fuzz/artifacts/" >&2
    exit 1
fi
echo "fuzzing: ${#targets[@]} passed, 0 failed"
