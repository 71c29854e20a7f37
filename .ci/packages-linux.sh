#!/usr/bin/env bash
# The Linux packages, built and tried as an installer would: builds the .deb (one release
# build), validates the desktop entry, installs the package, runs the installed program on a
# fresh data folder, checks where every file went and that the window's class matches the
# desktop entry, removes the package, then builds the .rpm from the same release build and
# reads its file list, requirements and scripts. Prints the seconds each step took.
# Runs as root (CI) or with sudo; changes the system only while the package is installed.
set -eEuo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_COLOR=never
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"

STEP="start"
STARTED=$SECONDS
STEP_STARTED=$SECONDS
TIMES=()
WORK="$(mktemp -d)"
XVFB=""
APP=""

die() {
    echo "packages-linux: FAILED in step '$STEP': $*" >&2
    exit 1
}
trap 'echo "packages-linux: FAILED in step '"'"'$STEP'"'"': command failed (line $LINENO): $BASH_COMMAND" >&2' ERR
cleanup() {
    if [ -n "$APP" ]; then kill "$APP" 2>/dev/null || true; fi
    if [ -n "$XVFB" ]; then kill "$XVFB" 2>/dev/null || true; fi
    # A failure between install and removal must not leave the package on the machine.
    if [ -n "${INSTALLED_HERE:-}" ] && installed; then
        $SUDO dpkg -P tillguard >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' tillguard 2>/dev/null)" = installed ]; }
# The installed program sees neither this machine's Tillguard settings nor the caller's.
fresh() {
    env -u TILLGUARD_DATA_DIR -u TILLGUARD_CONFIG -u TILLGUARD_TERMINAL -u TILLGUARD_PRINTER \
        HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share" "$@"
}

begin() {
    STEP="$1"
    STEP_STARTED=$SECONDS
    printf '\n=== %s ===\n' "$STEP"
}
end() {
    local took=$((SECONDS - STEP_STARTED))
    TIMES+=("$(printf '%5d s  %s' "$took" "$STEP")")
    echo "--- $STEP: ${took} s"
}

PKGID="$(cargo pkgid)"
VERSION="${PKGID##*[#@]}"
echo "tillguard $VERSION"

begin "system packages (dpkg-dev, desktop-file-utils, rpm, Xvfb)"
if command -v apt-get >/dev/null; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends \
        dpkg-dev desktop-file-utils rpm xvfb xauth x11-utils xdotool python3 >/dev/null
fi
for tool in dpkg-deb desktop-file-validate rpm python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
end

begin "desktop-file-validate (source)"
desktop-file-validate packaging/linux/tillguard.desktop || die "packaging/linux/tillguard.desktop is not valid"
end

begin "build the .deb (packaging/build-deb.sh: the release build)"
# A package left from an earlier run must not pass for this one.
rm -f target/packages/tillguard_"$VERSION"-*.deb target/packages/tillguard-"$VERSION"-*.rpm
bash packaging/build-deb.sh | tee "$WORK/build-deb.out"
DEB="$(tail -n 1 "$WORK/build-deb.out")"
[ -f "$DEB" ] || die "build-deb.sh did not name a package (last line: $DEB)"
BIN_BUILT="$(stat -c %Y target/release/tillguard)"
end

begin "the .deb's control fields"
dpkg-deb -f "$DEB" Package Version Architecture Depends Recommends Suggests Section | tee "$WORK/control"
[ "$(dpkg-deb -f "$DEB" Version)" = "$VERSION-1" ] || die "deb version is not $VERSION-1"
dpkg-deb -f "$DEB" Depends | grep -q 'libc6' || die "Depends has no libc6: dpkg-shlibdeps did not run"
dpkg-deb -f "$DEB" Recommends | grep -q 'libxkbcommon-x11-0' || die "Recommends lacks the window libraries"
dpkg-deb -I "$DEB" postinst | grep -q 'usermod -aG dialout,lp' || die "postinst lacks the usermod note"
dpkg-deb -I "$DEB" postrm | grep -q 'udevadm control --reload-rules' || die "postrm does not reload udev"
end

begin "dpkg -i"
installed && die "tillguard is already installed on this machine; remove it first"
INSTALLED_HERE=1
$SUDO dpkg -i "$DEB" 2>&1 | tee "$WORK/dpkg-i.out"
grep -q 'usermod -aG dialout,lp' "$WORK/dpkg-i.out" || die "postinst did not print the usermod note"
[ "$(command -v tillguard)" = /usr/bin/tillguard ] || die "tillguard is not /usr/bin/tillguard on PATH"
end

begin "the installed program"
mkdir -p "$WORK/home"
OUT="$(fresh /usr/bin/tillguard --version)"
echo "$OUT"
[ "$OUT" = "tillguard $VERSION" ] || die "tillguard --version printed '$OUT', not 'tillguard $VERSION'"
fresh /usr/bin/tillguard --data-dir "$WORK/data" status --json >"$WORK/status.json" || die "status --json failed on a fresh data dir"
python3 - "$WORK/status.json" <<'PY' || die "status --json is not what a fresh till reports"
import json, re, sys
s = json.load(open(sys.argv[1]))
assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", s["business_day"]), s["business_day"]
assert s["demo"] is True, "a fresh data dir runs in demo mode"
assert s["day_open"] is True
assert s["currency"] == "CNY"
assert s["sales_count"] == 0 and s["sales_total"] == "0.00"
assert s["batches"] == [] and s["card_in_doubt"]["count"] == 0
assert s["guard"]["verdict"] == "clear" and s["guard"]["allows_quit"] is True
print("status:", s["business_day"], s["guard"]["verdict"], "demo" if s["demo"] else "")
PY
[ -f "$WORK/data/tillguard.sqlite" ] || die "status did not create the ledger in --data-dir"
end

# What both packages install (Cargo.toml's [package.metadata.deb] and [package.metadata.generate-rpm]).
PACKAGE_FILES=(
    /usr/bin/tillguard
    /usr/share/applications/tillguard.desktop
    /usr/share/icons/hicolor/scalable/apps/tillguard.svg
    /usr/share/icons/hicolor/{16x16,32x32,48x48,64x64,128x128,256x256}/apps/tillguard.png
    /usr/lib/udev/rules.d/60-tillguard.rules
    /usr/share/doc/tillguard/README.md
)

begin "installed files (dpkg -L)"
dpkg -L tillguard >"$WORK/files"
for f in "${PACKAGE_FILES[@]}"; do
    grep -qx "$f" "$WORK/files" || die "dpkg -L does not list $f"
    [ -f "$f" ] || die "$f is not on disk"
done
for s in 16 32 48 64 128 256; do
    size="$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' \
        "/usr/share/icons/hicolor/${s}x${s}/apps/tillguard.png")"
    [ "$size" = "${s}x${s}" ] || die "the ${s}x${s} icon is $size"
done
desktop-file-validate /usr/share/applications/tillguard.desktop || die "the installed desktop file is not valid"
grep -qx 'Exec=tillguard' /usr/share/applications/tillguard.desktop || die "the desktop file does not run tillguard"
grep -qF 'ENV{ID_USB_INTERFACES}=="*:0701??:*", GROUP="lp"' /usr/lib/udev/rules.d/60-tillguard.rules ||
    die "the udev rule does not give printer-class USB devices to lp"
end

begin "the window's class matches StartupWMClass (Xvfb)"
WM_CLASS_WANTED="$(sed -n 's/^StartupWMClass=//p' /usr/share/applications/tillguard.desktop)"
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null && command -v xprop >/dev/null; then
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
    XVFB=$!
    for _ in $(seq 1 150); do
        [ -s "$WORK/display" ] && break
        kill -0 "$XVFB" 2>/dev/null || break
        sleep 0.2
    done
    [ -s "$WORK/display" ] || die "Xvfb did not start: $(cat "$WORK/xvfb.log")"
    # Started by the name the desktop entry's Exec= uses, as a launcher would.
    DISPLAY=":$(tr -d '[:space:]' <"$WORK/display")"
    export DISPLAY
    fresh tillguard --data-dir "$WORK/gui" >"$WORK/app.log" 2>&1 &
    APP=$!
    WID=""
    for _ in $(seq 1 120); do
        WID="$(xdotool search --name '^Tillguard' 2>/dev/null | head -n1 || true)"
        [ -n "$WID" ] && break
        kill -0 "$APP" 2>/dev/null || die "the installed tillguard exited without a window: $(cat "$WORK/app.log")"
        sleep 0.5
    done
    [ -n "$WID" ] || die "no Tillguard window appeared: $(cat "$WORK/app.log")"
    CLASS="$(xprop -id "$WID" WM_CLASS)"
    echo "$CLASS"
    [ "$CLASS" = "WM_CLASS(STRING) = \"$WM_CLASS_WANTED\", \"$WM_CLASS_WANTED\"" ] ||
        die "the window's WM_CLASS is not $WM_CLASS_WANTED (StartupWMClass): $CLASS"
    kill "$APP" 2>/dev/null || true
    wait "$APP" 2>/dev/null || true
    APP=""
    kill "$XVFB" 2>/dev/null || true
    wait "$XVFB" 2>/dev/null || true
    XVFB=""
else
    die "Xvfb, xdotool or xprop is missing (apt-get install xvfb xdotool x11-utils)"
fi
end

begin "dpkg -r"
$SUDO dpkg -r tillguard
[ ! -e /usr/bin/tillguard ] || die "/usr/bin/tillguard is still there after dpkg -r"
[ ! -e /usr/lib/udev/rules.d/60-tillguard.rules ] || die "the udev rule is still there after dpkg -r"
[ ! -e /usr/share/applications/tillguard.desktop ] || die "the desktop file is still there after dpkg -r"
$SUDO dpkg -P tillguard >/dev/null
INSTALLED_HERE=""
end

begin "build the .rpm (packaging/build-rpm.sh: from the same release build)"
bash packaging/build-rpm.sh | tee "$WORK/build-rpm.out"
RPM="$(tail -n 1 "$WORK/build-rpm.out")"
[ -f "$RPM" ] || die "build-rpm.sh did not name a package (last line: $RPM)"
[ "$(stat -c %Y target/release/tillguard)" = "$BIN_BUILT" ] || die "build-rpm.sh rebuilt the release binary"
end

begin "the .rpm's files, requirements and scripts"
rpm -qp --queryformat '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\n' "$RPM" | tee "$WORK/rpm-name"
[ "$(cat "$WORK/rpm-name")" = "tillguard $VERSION-1 x86_64" ] || [ "$(uname -m)" != x86_64 ] ||
    die "rpm name/version/arch is $(cat "$WORK/rpm-name")"
rpm -qpl "$RPM" >"$WORK/rpm-files"
cat "$WORK/rpm-files"
for f in "${PACKAGE_FILES[@]}"; do
    grep -qx "$f" "$WORK/rpm-files" || die "rpm -qpl does not list $f"
done
rpm -qpR "$RPM" 2>/dev/null | tee "$WORK/rpm-requires"
grep -q '^libc\.so\.6' "$WORK/rpm-requires" || die "the rpm does not require libc.so.6"
grep -q '^/bin/sh' "$WORK/rpm-requires" || die "the rpm does not require /bin/sh for its scripts"
rpm -qp --recommends "$RPM" 2>/dev/null | grep -q 'libxkbcommon-x11.so.0' || die "the rpm lacks its Recommends"
rpm -qp --scripts "$RPM" 2>/dev/null >"$WORK/rpm-scripts"
grep -q 'usermod -aG dialout,lp' "$WORK/rpm-scripts" || die "the rpm's %post lacks the usermod note"
grep -q 'postuninstall' "$WORK/rpm-scripts" || die "the rpm has no %postun"
end

STEP="summary"
printf '\n=== Linux packages: every check passed ===\n'
printf '%s\n' "${TIMES[@]}"
printf '%5d s  total\n' "$((SECONDS - STARTED))"
ls -l "$DEB" "$RPM"
