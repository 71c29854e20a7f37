#!/usr/bin/env python3
"""Build the CJK UI font that Tillguard ships in assets/fonts/.

Takes Noto Sans CJK (SIL Open Font License 1.1) as Debian packages it
(fonts-noto-cjk: /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc),
picks the Simplified Chinese face out of the collection by its family name,
and subsets it to what the till's Chinese and English UI needs:

  * ASCII, Latin-1 supplement, general punctuation, currency symbols,
    arrows, box drawing, CJK symbols and punctuation, fullwidth forms;
  * every character encodable in GB2312 (all 6763 hanzi plus GB2312's
    symbols, pinyin, kana, Greek and Cyrillic rows).

Code points in those ranges that the source face has no glyph for (some
arrows and newer currency signs such as U+20B9, the invisible format
characters, U+2009 and U+202F) are simply absent from the result.

Hinting is dropped, all OpenType layout features and all name records are
kept, and the family name is left as it is ("Noto Sans CJK SC"): the app
selects the font by that name. The result is a single-face CFF .otf, which
is then checked for coverage of a few strings the UI really shows.

Usage (from the repository root):

    apt-get install -y fonts-noto-cjk
    pip install fonttools
    python3 packaging/fonts/subset-cjk-font.py \
        /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

Needs only fontTools. Exits non-zero if the face is missing or a check fails.
"""

import argparse
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FAMILY = "Noto Sans CJK SC"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_TTC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_OUT = os.path.join(REPO_ROOT, "assets", "fonts", "NotoSansSC-Tillguard-Regular.otf")

# Inclusive code point ranges kept besides GB2312.
RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (¥ is U+00A5)
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20CF),  # currency symbols
    (0x2190, 0x21FF),  # arrows
    (0x2500, 0x257F),  # box drawing
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
]

# Strings the UI shows; every character must map to a glyph in the subset.
MUST_COVER = [
    "结算清零收银员现金找零合计税",
    "Tillguard ¥12.30",
]


def gb2312_chars():
    """Every character that a valid 2-byte GB2312 sequence decodes to."""
    out = set()
    for lead in range(0xA1, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                s = bytes([lead, trail]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.update(ord(c) for c in s)
    return out


def find_face(ttc_path, family):
    """Index of the face in the collection whose name ID 1 is `family`."""
    coll = TTCollection(ttc_path, lazy=True)
    names = []
    for i, font in enumerate(coll.fonts):
        name = font["name"].getDebugName(1)
        names.append(name)
        if name == family:
            return i
    sys.exit(f"no face named {family!r} in {ttc_path}; faces: {names}")


def build(ttc_path, out_path):
    index = find_face(ttc_path, FAMILY)
    wanted = gb2312_chars()
    for lo, hi in RANGES:
        wanted.update(range(lo, hi + 1))

    options = subset.Options()
    options.font_number = index
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = False
    # Keep the CFF charstrings subroutinized: smaller file on disk.
    options.desubroutinize = False

    # Keep head.modified from the source so that reruns give identical bytes.
    font = subset.load_font(ttc_path, options, dontLoadGlyphNames=True)
    font.recalcTimestamp = False
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(wanted))
    subsetter.subset(font)
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    subset.save_font(font, out_path, options)
    font.close()
    return index, wanted


def verify(out_path, wanted):
    font = TTFont(out_path)
    cmap = font.getBestCmap()
    ok = True
    for text in MUST_COVER:
        missing = [c for c in text if ord(c) not in cmap]
        status = "ok" if not missing else f"MISSING {''.join(missing)!r}"
        print(f"covers {text!r}: {status}")
        ok &= not missing
    name = font["name"]
    family = name.getDebugName(1)
    print(f"family (name ID 1): {family!r}")
    print(f"style (name ID 2): {name.getDebugName(2)!r}")
    print(f"full name (name ID 4): {name.getDebugName(4)!r}")
    print(f"PostScript name (name ID 6): {name.getDebugName(6)!r}")
    print(f"outlines: {'CFF' if 'CFF ' in font else 'glyf'}; "
          f"glyphs: {font['maxp'].numGlyphs}; cmap entries: {len(cmap)}")
    absent = sorted(cp for cp in wanted if cp not in cmap)
    print(f"requested code points: {len(wanted)}; not in the source font: {len(absent)}")
    gb = gb2312_chars()
    gb_missing = sorted(cp for cp in gb if cp not in cmap)
    if gb_missing:
        print("GB2312 characters without a glyph: "
              + " ".join(f"U+{cp:04X}" for cp in gb_missing))
        ok = False
    else:
        print(f"all {len(gb)} GB2312 characters covered")
    print(f"size: {os.path.getsize(out_path)} bytes")
    if family != FAMILY:
        print(f"family name changed: expected {FAMILY!r}")
        ok = False
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ttc", nargs="?", default=DEFAULT_TTC,
                        help=f"Noto Sans CJK Regular collection (default {DEFAULT_TTC})")
    parser.add_argument("-o", "--output", default=DEFAULT_OUT,
                        help="where to write the subset .otf (default %(default)s)")
    args = parser.parse_args()
    index, wanted = build(args.ttc, args.output)
    print(f"face {index} ({FAMILY}) of {args.ttc} -> {args.output}")
    if not verify(args.output, wanted):
        sys.exit(1)


if __name__ == "__main__":
    main()
