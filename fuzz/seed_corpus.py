#!/usr/bin/env python3
"""Writes seed inputs for every fuzz target from real data: the ZVT traces in tests/data/zvt
(and a shared trace folder given as an argument), the demo catalog and the README's config.
Usage (from the repository root): python3 fuzz/seed_corpus.py OUT_DIR [TRACE_DIR ...]
Then fuzz from OUT_DIR/<target> and `cargo fuzz cmin` into fuzz/corpus/<target>."""

import hashlib
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
out = pathlib.Path(sys.argv[1])


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = out / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def crc_kermit(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def frame(apdu):
    crc = crc_kermit(apdu + b"\x03")
    return b"\x10\x02" + apdu.replace(b"\x10", b"\x10\x10") + b"\x10\x03" + crc.to_bytes(2, "little")


def ber_length(data, at):
    first = data[at]
    if first < 0x80:
        return first, at + 1
    if first == 0x81:
        return data[at + 1], at + 2
    return int.from_bytes(data[at + 1:at + 3], "big"), at + 3


trace_dirs = [root / "tests/data/zvt"] + [pathlib.Path(p) for p in sys.argv[2:]]
traces = sorted({p.read_bytes() for d in trace_dirs if d.is_dir() for p in d.glob("*.bin")})
for apdu in traces:
    header = 5 if len(apdu) > 2 and apdu[2] == 0xFF else 3
    data = apdu[header:]
    put("zvt_decode", apdu)
    put("zvt_apdu", apdu)
    put("zvt_frame", frame(apdu))
    put("zvt_frame", b"\x06" + frame(apdu) + b"\x15")
    put("zvt_bmp", data)
    # BMP 06 containers: the TLV target's input.
    if data[:1] == b"\x06":
        length, start = ber_length(data, 1)
        put("zvt_tlv", data[start:start + length])
    if (apdu[0], apdu[1]) == (0x04, 0x0F):
        i = data.find(b"\x60\xf0\xf5\xf3")
        if i >= 0:
            put("zvt_bmp", data[i + 4:i + 4 + 53])
put("zvt_apdu", b"".join(traces))
put("zvt_frame", b"".join(frame(a) for a in traces))

catalog = (root / "assets/demo_catalog.csv").read_text(encoding="utf-8")
put("catalog_csv", catalog)
rows = catalog.splitlines(keepends=True)[1:]
put("catalog_csv", "".join(rows))
for row in rows[:5]:
    put("catalog_csv", row)
put("catalog_csv", "\ufeffsku,barcode,name_zh,name_en,price,tax_rate,price_includes_tax\n"
    "A1,4006381333931|FREE1,可乐,Cola,3.50,13,true\nA2,,面包,Bread,8,9,false\n")

readme = (root / "README.md").read_text(encoding="utf-8")
for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
    put("config_toml", block)
    for section in re.split(r"\n(?=\[)", block):
        put("config_toml", section)
put("config_toml", '[terminal]\nconnection = "zvt+tcp:10.1.1.1"\nauto_clear = "23:30"\n')
put("config_toml", '[ui]\ntheme = "dark"\nlock_after_minutes = 0\n[sale]\ncashier_discount_limit_percent = 5.5\n')
put("config_toml", 'store = { name = "x", currency = "JPY" }\n')
