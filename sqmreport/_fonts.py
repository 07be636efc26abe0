"""A report's own font: the glyphs of Noto Sans CJK SC that the page uses, embedded.

A reader without a Chinese font (a fresh Linux machine, a locked-down PC) would
otherwise see boxes.  Subsetting keeps the report small: a few hundred
characters make about 130 KB of WOFF2.
"""

from __future__ import annotations

import base64
import io

from functools import cache
from pathlib import Path

from ._page import FONT_FACE

__all__ = ["CJK_FONT", "cjk_font_path", "embed_font"]

CJK_FONT = "Noto Sans CJK SC"
_ASCII = "".join(chr(i) for i in range(0x20, 0x7F))


@cache
def cjk_font_path() -> Path:
    """The Noto Sans CJK SC font file shipped by the ``mplfonts`` package."""
    import mplfonts

    return Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"


def font_face(characters: str) -> str:
    """An ``@font-face`` rule with a WOFF2 subset of the CJK font covering ``characters``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    buffer = io.BytesIO()
    with TTFont(str(cjk_font_path()), lazy=True) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(set(characters + _ASCII))))
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(buffer)
    data = base64.b64encode(buffer.getvalue()).decode()
    return (f'@font-face {{ font-family: "{CJK_FONT} Embedded"; font-display: swap; '
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')


def embed_font(page: str) -> str:
    """Replace the template's placeholder with the font subset the page needs."""
    if FONT_FACE not in page:
        return page
    return page.replace(FONT_FACE, font_face("".join({c for c in page if ord(c) > 0x7F})))
