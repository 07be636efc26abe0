"""A report's own font: the glyphs of Noto Sans CJK SC that the page uses, embedded.

A reader without a Chinese font (a fresh Linux machine, a locked-down PC) would
otherwise see boxes.  Subsetting keeps the report small: a few hundred
characters make about 130 KB of WOFF2.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["CJK_FONT", "cjk_font_path", "font_face"]

CJK_FONT = "Noto Sans CJK SC"
_ASCII = "".join(chr(i) for i in range(0x20, 0x7F))


@cache
def cjk_font_path() -> Path:
    """The Noto Sans CJK SC font file shipped by the ``mplfonts`` package (found without
    importing it: importing it imports matplotlib).

    The pan-CJK font, with simplified Chinese shapes by default: it also has traditional
    Chinese, Japanese kana and Korean Hangul, so figures (after DejaVu Sans, glyph by glyph:
    :func:`sqmreport.present.plots.font_families`) and pages draw labels in any of them.
    """
    from importlib.util import find_spec

    package = Path(find_spec("mplfonts").origin).parent
    return package / "fonts" / "NotoSansCJKsc-Regular.otf"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "sqmreport" / "fonts"


def font_face(characters: str) -> str:
    """An ``@font-face`` rule with a WOFF2 subset of the CJK font covering ``characters``.

    Subsetting parses the whole 16 MB font (about 2 s), so subsets are cached on disk,
    keyed by the font file and the characters; the result is the same either way.
    """
    chars = "".join(sorted(set(characters + _ASCII)))
    font = cjk_font_path()
    # (v2: subsets keep the font's own timestamp; earlier ones carried the time they were made.)
    key = hashlib.sha256(f"v2:{font.name}:{font.stat().st_size}:{chars}".encode()).hexdigest()[:32]
    cached = _cache_dir() / f"{key}.woff2"
    try:
        data = cached.read_bytes()
    except OSError:
        data = _subset(chars)
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            # A file of its own per writer: builds, and a batch's studies, may race here.
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=cached.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, cached)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError:
            pass  # a read-only home: no cache, same result
    encoded = base64.b64encode(data).decode()
    return (f'@font-face {{ font-family: "{CJK_FONT} Embedded"; font-display: swap; '
            f'src: url(data:font/woff2;base64,{encoded}) format("woff2"); }}')


def _subset(chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    options.desubroutinize = True
    buffer = io.BytesIO()
    # The font's own modification time, not the time of subsetting: the same characters
    # give the same bytes, whenever and however often they are subset.
    with TTFont(str(cjk_font_path()), lazy=True, recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(buffer)
    return buffer.getvalue()

