#!/usr/bin/env bash
# GUI smoke test: the real window under Xvfb, driven by the keyboard like a scanner would.
# Logs in as the demo cashier (PIN 1111), rings up one sale (scan + F12 pays the exact
# amount) and checks the ledger from the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet
BIN="$PWD/target/debug/tillguard"
WORK="$(mktemp -d)"
export TILLGUARD_DATA_DIR="$WORK/data"
# Xvfb picks a free display number itself and writes it out once it accepts clients, so
# another X server on the machine, or a slow start under load, cannot confuse the test.
# -noreset: by default Xvfb resets when its last client leaves, and a window opened during
# that reset fails (XOpenDisplayFailed); the test closes one till and starts another.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
XVFB=$!
APP=""
cleanup() {
    [ -n "$APP" ] && kill "$APP" 2>/dev/null || true
    kill "$XVFB" 2>/dev/null || true
    wait "$XVFB" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 300); do
    [ -s "$WORK/display" ] && break
    kill -0 "$XVFB" 2>/dev/null || break
    sleep 0.2
done
[ -s "$WORK/display" ] || { echo "Xvfb did not start:"; cat "$WORK/xvfb.log"; exit 1; }
export DISPLAY=":$(tr -d '[:space:]' <"$WORK/display")"
echo "Xvfb on $DISPLAY"

"$BIN" >"$WORK/app.log" 2>&1 &
APP=$!
WID=""
for _ in $(seq 1 120); do
    WID="$(xdotool search --name '^Tillguard' 2>/dev/null | head -n1 || true)"
    [ -n "$WID" ] && break
    kill -0 "$APP" 2>/dev/null || { echo "app exited early:"; cat "$WORK/app.log"; exit 1; }
    sleep 0.5
done
[ -n "$WID" ] || { echo "no Tillguard window appeared"; cat "$WORK/app.log"; exit 1; }
echo "window $WID is up"
sleep 2
xdotool windowfocus --sync "$WID" 2>/dev/null || true

# The till starts locked with the first demo user (王芳 Wang Fang, cashier) chosen: her PIN
# and Enter log in.
import -window root "$WORK/login.png" || true
# The window rendered its first screen: a blank or unpainted window has a colour or two,
# text and buttons bring hundreds.
COLOURS="$(import -window "$WID" -format '%k' info: 2>/dev/null || echo 0)"
echo "login screen: $COLOURS colours"
[ "${COLOURS:-0}" -gt 20 ] || { echo "the window did not render (only $COLOURS colours)"; cat "$WORK/app.log"; exit 1; }
xdotool type --delay 5 "1111"
xdotool key Return
sleep 1

# A scanner: digits typed fast, then Enter. Then F12 pays the exact amount in cash.
xdotool type --delay 5 "2000000010106"
xdotool key Return
sleep 0.5
xdotool type --delay 5 "2000000070704"
xdotool key Return
sleep 0.5
xdotool key F12
sleep 1.5
import -window root "$WORK/after-sale.png" || true

STATUS="$("$BIN" status --json)"
echo "$STATUS"
echo "$STATUS" | grep -q '"sales_count": 1' || { echo "the sale did not reach the ledger"; cat "$WORK/app.log"; exit 1; }
echo "$STATUS" | grep -q '"sales_total": "16.30"' || { echo "wrong total in the ledger"; exit 1; }
# Demo mode prints to the preview folder, from a worker thread.
PRINTED=""
for _ in $(seq 1 20); do
    [ -f "$TILLGUARD_DATA_DIR/receipts/000001-receipt.txt" ] && { PRINTED=1; break; }
    sleep 0.25
done
[ -n "$PRINTED" ] || { echo "the receipt was not printed to the preview folder"; ls -R "$TILLGUARD_DATA_DIR"; exit 1; }
grep -q "16.30" "$TILLGUARD_DATA_DIR/receipts/000001-receipt.txt" || { echo "wrong receipt printed"; exit 1; }

# A card sale through the demo's simulated terminal (real ZVT serial code over a pty):
# F11 pays by card; the terminal shows its steps (about 0.7 s each) and approves.
xdotool type --delay 5 "2000000010106"
xdotool key Return
sleep 0.5
xdotool key F11
sleep 1.2
import -window root "$WORK/card-in-progress.png" || true
PAID=""
for _ in $(seq 1 40); do
    STATUS="$("$BIN" status --json)"
    echo "$STATUS" | grep -q '"sales_count": 2' && { PAID=1; break; }
    sleep 0.5
done
echo "$STATUS"
[ -n "$PAID" ] || { echo "the card sale did not reach the ledger"; cat "$WORK/app.log"; exit 1; }
echo "$STATUS" | grep -q '"sales_total": "19.80"' || { echo "wrong total after the card sale"; exit 1; }
import -window root "$WORK/after-card.png" || true
kill -0 "$APP" || { echo "app died"; cat "$WORK/app.log"; exit 1; }

# The settlement guard: with the card sale unsettled, a close request is refused (the quit
# dialog asks to settle); Enter in it settles through the terminal; then the till may close.
python3 .ci/wm-close.py "$WID"
sleep 4
kill -0 "$APP" 2>/dev/null || { echo "the till closed with an unsettled card batch"; cat "$WORK/app.log"; exit 1; }
import -window root "$WORK/quit-refused.png" || true
xdotool key Return
SETTLED=""
for _ in $(seq 1 40); do
    STATUS="$("$BIN" status --json)"
    echo "$STATUS" | grep -q '"batches": \[\]' && { SETTLED=1; break; }
    sleep 0.5
done
[ -n "$SETTLED" ] || { echo "the batch was not settled from the quit dialog"; echo "$STATUS"; cat "$WORK/app.log"; exit 1; }
echo "$STATUS" | grep -q '"verdict": "clear"' || { echo "the guard is not clear after settling"; echo "$STATUS"; exit 1; }
import -window root "$WORK/settled.png" || true

# The window manager's close button (WM_DELETE_WINDOW) closes a settled till.
python3 .ci/wm-close.py "$WID"
for _ in $(seq 1 100); do kill -0 "$APP" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$APP" 2>/dev/null; then echo "the window did not close on a close request"; exit 1; fi
APP=""
# A stop by SIGTERM is recorded in the audit log; the process exits 128+15.
"$BIN" >"$WORK/app2.log" 2>&1 &
APP=$!
for _ in $(seq 1 120); do
    xdotool search --name '^Tillguard' >/dev/null 2>&1 && break
    kill -0 "$APP" 2>/dev/null || { echo "the second start exited early:"; cat "$WORK/app2.log"; exit 1; }
    sleep 0.5
done
sleep 1
kill -TERM "$APP"
CODE=0
wait "$APP" || CODE=$?
APP=""
[ "$CODE" -eq 143 ] || { echo "SIGTERM: exit status $CODE, expected 143"; cat "$WORK/app2.log"; exit 1; }
python3 - "$TILLGUARD_DATA_DIR/tillguard.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
kinds = [k for (k,) in db.execute("SELECT kind FROM audit_events ORDER BY seq")]
assert kinds and kinds[-1] == "stopped_by_signal", kinds[-5:]
assert "login" in kinds, kinds
cashiers = {c for (c,) in db.execute("SELECT cashier FROM sales")}
assert cashiers == {"王芳 Wang Fang"}, cashiers
PY

echo "GUI smoke test passed (screenshots in $WORK: login, after-sale, card-in-progress, after-card, quit-refused, settled)"
