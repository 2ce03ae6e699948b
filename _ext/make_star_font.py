"""Write the two one-glyph fonts that draw the star operator ⋆ (U+22C6) large enough to read.

In the fonts a reader's browser falls back to, U+22C6 is often a small blob that looks like the
dot operator ·, next to a large *; the book's central distinction then disappears in code,
printed output and table text. `_static/book.css` puts these fonts first in the text and code
font stacks with ``unicode-range: U+22C6``, so they draw that one character and nothing else.

The glyph is DejaVu Sans's (and DejaVu Sans Mono's) own U+22C6, taken from the copies that
matplotlib ships, enlarged about its centre; the monospace font keeps the cell width, so code
stays aligned. DejaVu's licence (Bitstream Vera terms) allows modified copies under another
name: hence "CC Star". Run from the book's root with the book's environment:

    .venv/bin/python _ext/make_star_font.py
"""

from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

STAR = 0x22C6
FONTS = {
    # output name: (DejaVu file, family name, scale about the glyph's centre)
    "cc-star-sans.woff": ("DejaVuSans.ttf", "CC Star Sans", 1.8),
    "cc-star-mono.woff": ("DejaVuSansMono.ttf", "CC Star Mono", 1.7),
}
OUT = Path(__file__).resolve().parents[1] / "_static" / "fonts"


def _one_glyph_font(source):
    font = TTFont(source)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[STAR])
    subsetter.subset(font)
    return font


def _enlarge(font, scale):
    name = font.getBestCmap()[STAR]
    glyphs = font.getGlyphSet()
    glyf = font["glyf"]
    xmin, ymin, xmax, ymax = (glyf[name].xMin, glyf[name].yMin, glyf[name].xMax, glyf[name].yMax)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    advance, _ = font["hmtx"][name]
    new_width = (xmax - xmin) * scale
    # Centred in its advance; a proportional glyph grows its advance so it keeps side bearings.
    advance = max(advance, round(new_width + 2 * xmin))
    dx = advance / 2 - cx * scale
    pen = TTGlyphPen(glyphs)
    glyphs[name].draw(TransformPen(pen, (scale, 0, 0, scale, dx, cy - cy * scale)))
    glyf[name] = pen.glyph()
    glyf[name].recalcBounds(glyf)
    font["hmtx"][name] = (advance, glyf[name].xMin)


def _rename(font, family):
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (3, 4):
            record.string = f"{family} Regular"
        elif record.nameID == 6:
            record.string = family.replace(" ", "") + "-Regular"


def main():
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    OUT.mkdir(parents=True, exist_ok=True)
    for out_name, (source, family, scale) in FONTS.items():
        font = _one_glyph_font(ttf / source)
        _enlarge(font, scale)
        _rename(font, family)
        font.flavor = "woff"
        font.save(OUT / out_name)
        print(f"wrote {OUT / out_name} ({(OUT / out_name).stat().st_size} bytes)")


if __name__ == "__main__":
    main()
