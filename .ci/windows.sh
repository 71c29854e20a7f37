#!/usr/bin/env bash
# The Windows build, checked on Debian under wine: the pure-logic unit tests (money, catalog,
# sale, settlement, ZVT, printer, config...) cross-compiled and run by wine64; then the MSI
# from packaging/build-msi.sh installed over an older version, upgraded, run, and uninstalled
# in a throwaway wine prefix; and COMn names reaching the serial port they name.
#
# Wine 8 (Debian bookworm) lacks ProcessPrng (bcryptprimitives.dll), which Rust's standard
# library calls at start-up: a stub that forwards to RtlGenRandom (.ci/wine/) stands in.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_COLOR=never
triple=x86_64-pc-windows-gnu

# --- step timing ---------------------------------------------------------------------------
timings=()
step_name=""
step_start=$SECONDS
all_start=$SECONDS
end_step() {
    if [ -n "$step_name" ]; then
        local took=$((SECONDS - step_start))
        timings+=("$(printf '%5d s  %s' "$took" "$step_name")")
        printf -- '--- %s: %d s\n' "$step_name" "$took"
    fi
    step_name=""
}
step() {
    end_step
    step_name="$*"
    step_start=$SECONDS
    printf '\n=== %s ===\n' "$*"
}
fail() {
    printf '\nwindows.sh: FAILED in "%s": %s\n' "${step_name:-setup}" "$*" >&2
    exit 1
}

# --- system packages -----------------------------------------------------------------------
step "system packages: wine64, wixl, mingw-w64"
missing=()
command -v wine >/dev/null || missing+=(wine wine64)
command -v wixl >/dev/null || missing+=(wixl)
command -v x86_64-w64-mingw32-gcc >/dev/null || missing+=(gcc-mingw-w64-x86-64)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
rustup target add "$triple" >/dev/null
wine=$(command -v wine64 || command -v wine)
"$wine" --version 2>/dev/null

# --- wine prefix ---------------------------------------------------------------------------
step "throwaway wine prefix and the ProcessPrng stub"
work=$(mktemp -d)
export WINEPREFIX="$work/prefix"
export WINEDEBUG=-all
# No desktop menu entries in $HOME, no prompts to download Mono or Gecko.
export WINEDLLOVERRIDES="winemenubuilder.exe=d;mscoree=d;mshtml=d"
cleanup() {
    wineserver -k >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
"$wine" wineboot --init >/dev/null 2>&1 || fail "wineboot could not set up $WINEPREFIX"
wineserver -w
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$work/bcryptprimitives.dll" \
    .ci/wine/bcryptprimitives.c .ci/wine/bcryptprimitives.def -ladvapi32 ||
    fail "the bcryptprimitives.dll stub did not build"
system32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$system32" ] || fail "wineboot made no $system32"
if [ -e "$system32/bcryptprimitives.dll" ]; then
    echo "this wine has its own bcryptprimitives.dll; the stub is not needed"
else
    cp "$work/bcryptprimitives.dll" "$system32/"
fi

# --- unit tests under wine -----------------------------------------------------------------
# Pure logic only: no ptys (Unix-only tests are cfg(unix)), no GUI. A debug build: the test-only
# crates (iced_test, criterion, proptest) turn on other features of some 75 crates, so a release
# test build would share little with the MSI's release build and compiles slower.
step "unit tests for Windows under wine64 (debug build of the tests)"
filters=(money:: catalog:: sale:: settlement:: terminal::zvt:: terminal::spec::
    printer:: config:: clock:: permission:: i18n::)
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$wine"
build_start=$SECONDS
cargo test --locked --target "$triple" --lib --no-run || fail "the tests did not build for Windows"
echo "test build: $((SECONDS - build_start)) s"
run_start=$SECONDS
cargo test --locked --target "$triple" --lib -- "${filters[@]}" 2>&1 | tee "$work/tests.log" ||
    fail "unit tests failed under wine (see above)"
echo "test run: $((SECONDS - run_start)) s"
result=$(grep -E '^test result:' "$work/tests.log" | tail -1)
passed=$(sed -n 's/.* \([0-9][0-9]*\) passed.*/\1/p' <<<"$result")
[ "${passed:-0}" -gt 0 ] || fail "no unit test ran under wine"
echo "under wine: $result"

# --- the installer -------------------------------------------------------------------------
step "MSI: packaging/build-msi.sh"
msi=$(bash packaging/build-msi.sh | tail -1)
[ -f "$msi" ] || fail "build-msi.sh wrote no MSI"
version=$(basename "$msi" .msi)
version=${version#tillguard-}
version=${version%-x64}
msi_version=${version%%[-+]*} # what build-msi.sh gave wixl (no pre-release suffix)
echo "$msi: $(stat -c %s "$msi") bytes"
exe_unix="$(dirname "$msi")/stage/tillguard.exe"
headers=$(x86_64-w64-mingw32-objdump -p "$exe_unix")
grep -q 'Subsystem.*Windows GUI' <<<"$headers" ||
    fail "the release tillguard.exe is not a GUI-subsystem program (a console window would open)"

# An older version of the same product, installed with AUTOSTART=1, for the upgrade to replace;
# and the same version built once more (a new product code), which must replace it too.
rel_exe=$(realpath --relative-to="$root" "$exe_unix")
drive_c="$WINEPREFIX/drive_c"
for old in 0.0.1 "$msi_version"; do
    wixl --arch x64 -D Version="$old" -D Exe="$rel_exe" -o "$drive_c/tillguard-$old-build.msi" \
        packaging/windows/tillguard.wxs || fail "wixl could not build a $old MSI"
done
cp "$msi" "$drive_c/tillguard.msi"

# Windows puts a per-machine install's shortcuts in ProgramData's Start menu; wine 8 puts them
# in the installing user's, so either counts.
lnk() {
    [ -n "$(find "$drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs" \
        "$drive_c"/users/*/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs \
        -ipath "*/Programs/$1" 2>/dev/null)" ]
}
menu_lnk=Tillguard.lnk
startup_lnk=Startup/Tillguard.lnk
installed_exe="$drive_c/Program Files/Tillguard/tillguard.exe"
uninstall_key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
# Installed Tillguard versions, one line each, from the registry's list of installed programs.
installed_versions() {
    "$wine" reg query "$uninstall_key" /s 2>/dev/null | tr -d '\r' | awk '
        /^HKEY/ { name = ""; version = "" }
        $1 == "DisplayName" { name = $3 }
        $1 == "DisplayVersion" { version = $3 }
        name == "Tillguard" && version != "" { print version; name = "" }'
}
msiexec() {
    "$wine" msiexec "$@" >/dev/null 2>&1 || fail "msiexec $* exited with status $?"
    wineserver -w
}
expect_versions() {
    local got
    got=$(installed_versions | xargs)
    [ "$got" = "$*" ] || fail "installed Tillguard versions are '${got}', expected '$*'"
}
tillguard() {
    "$wine" 'C:\Program Files\Tillguard\tillguard.exe' "$@" 2>"$work/stderr" | tr -d '\r'
}

step "MSI: install 0.0.1 with AUTOSTART=1, then upgrade to $version without it"
msiexec /i 'C:\tillguard-0.0.1-build.msi' /qn AUTOSTART=1
expect_versions 0.0.1
lnk "$startup_lnk" || fail "AUTOSTART=1 made no Startup shortcut ($startup_lnk)"
msiexec /i 'C:\tillguard.msi' /qn
expect_versions "$msi_version"
[ -f "$installed_exe" ] || fail "no $installed_exe after the upgrade"
lnk "$menu_lnk" || fail "no Start-menu shortcut ($menu_lnk)"
lnk "$startup_lnk" || fail "the upgrade dropped the Startup shortcut that 0.0.1 was installed with"

step "the installed tillguard.exe: --version and status --json"
out=$(tillguard --version) || fail "tillguard.exe --version failed: $(cat "$work/stderr")"
echo "$out"
[ "$out" = "tillguard $version" ] || fail "tillguard.exe --version printed '$out', expected 'tillguard $version'"
mkdir "$drive_c/tillguard-data"
tillguard --data-dir 'C:\tillguard-data' status --json >"$work/status.json" ||
    fail "tillguard.exe status --json failed: $(cat "$work/stderr")"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert isinstance(d, dict) and d, d' \
    "$work/status.json" || fail "status --json printed no JSON object: $(cat "$work/status.json")"
head -c 300 "$work/status.json"
echo
[ -f "$drive_c/tillguard-data/tillguard.sqlite" ] || fail "status made no ledger in the data folder given"

step "COM ports: serial:COM5 (printer) and zvt+serial:\\\\.\\COM12 (terminal) reach their devices"
dosdevices="$WINEPREFIX/dosdevices"
python3 .ci/wine/pty_capture.py "$dosdevices/com5" "$work/com5.bin" 60 &
capture=$!
sleep 1
tillguard --data-dir 'C:\tillguard-data' --printer serial:COM5 printer test >/dev/null || true
wait "$capture"
# The test page first asks the printer's status, DLE EOT n; nothing answers here, so that
# request is all that comes, and it shows the port opened is the one named.
hex=$(od -An -tx1 -v "$work/com5.bin" | tr -d '\n')
[[ "$hex" == *"10 04"* ]] ||
    fail "no printer status request (DLE EOT) arrived on COM5 ($(stat -c %s "$work/com5.bin") bytes): $(cat "$work/stderr")"
echo "COM5: $(stat -c %s "$work/com5.bin") bytes, status requests:$hex"
python3 .ci/wine/pty_capture.py "$dosdevices/com12" "$work/com12.bin" 60 &
capture=$!
sleep 1
tillguard --data-dir 'C:\tillguard-data' --terminal 'zvt+serial:\\.\COM12' terminal check >/dev/null || true
wait "$capture"
# DLE STX opens every ZVT frame on a serial line.
hex=$(od -An -tx1 -v "$work/com12.bin" | tr -d '\n')
[[ "$hex" == *"10 02"* ]] ||
    fail "no ZVT frame arrived on COM12 ($(stat -c %s "$work/com12.bin") bytes): $(cat "$work/stderr")"
echo "COM12: $(stat -c %s "$work/com12.bin") bytes, a ZVT frame:$hex"

step "MSI: the same version rebuilt replaces it; AUTOSTART=0 removes the Startup shortcut"
msiexec /i "C:\\tillguard-$msi_version-build.msi" /qn AUTOSTART=0
expect_versions "$msi_version"
! lnk "$startup_lnk" || fail "AUTOSTART=0 left the Startup shortcut"
lnk "$menu_lnk" || fail "no Start-menu shortcut after reinstalling"

step "MSI: uninstall"
msiexec /x "C:\\tillguard-$msi_version-build.msi" /qn
expect_versions
[ ! -e "$installed_exe" ] || fail "tillguard.exe is still there after uninstalling"
! lnk "$menu_lnk" || fail "the Start-menu shortcut is still there after uninstalling"
[ -f "$drive_c/tillguard-data/tillguard.sqlite" ] || fail "uninstalling removed the shop's ledger"

end_step
printf '\n=== Windows checks passed in %d s ===\n' "$((SECONDS - all_start))"
printf '%s\n' "${timings[@]}"
