#!/usr/bin/env python3
"""Stands in for a device on a serial port: makes a pseudo-terminal, links LINK to it (a wine
prefix's dosdevices/comN makes it COMn) and writes whatever arrives to OUT. Stops SECONDS
after it starts, or once bytes came and the line has been quiet for 2.5 s
(longer than a printer status query waits for its answer)."""

import os
import select
import sys
import termios
import time
import tty


def main() -> int:
    if len(sys.argv) != 4:
        print("usage: pty_capture.py LINK OUT SECONDS", file=sys.stderr)
        return 2
    link, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    master, slave = os.openpty()
    tty.setraw(slave, termios.TCSANOW)
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(os.ttyname(slave), link)
    received = bytearray()
    deadline = time.monotonic() + seconds
    quiet_since = None
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the other side closed; keep the slave open and go on
                    chunk = b""
                if chunk:
                    received += chunk
                    quiet_since = time.monotonic()
                    continue
            if received and quiet_since is not None and time.monotonic() - quiet_since > 2.5:
                break
    finally:
        os.unlink(link)
        with open(out, "wb") as f:
            f.write(received)
    return 0


if __name__ == "__main__":
    sys.exit(main())
