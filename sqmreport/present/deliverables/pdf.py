"""One A4 PDF of the study (``report.pdf``): cover, contents, the overview and every report.

The pages the build wrote are combined into one HTML document, which WeasyPrint lays out
on A4 with the print rules of ``pdf.css``:

- a cover (title, client, fieldwork, logo, what the file holds, the build date) and a
  table of contents with page numbers (``target-counter``) of each report and section;
- each page's content (its ``<main>``) with its element ids prefixed by its report, so
  that anchors stay unique; the overview's links ``<report>.html#<id>`` point at them; the
  pages' own tables of contents are dropped (the contents replace them) and the
  provenance footer is kept once, at the end;
- a running header (client · study, and the part) and "page X of Y" in the page margins,
  none on the cover; bookmarks for each part and each of its sections;
- the CJK font subsets the pages embed (plus, when the PDF's own words need glyphs the
  pages lack, a small subset of :func:`~sqmreport.present.fonts.cjk_font_path` for them),
  so Chinese, Japanese and Korean text is in an embedded font.

Nothing is fetched: only ``data:`` URLs are read.  The document's metadata carries the
study's provenance, and its dates are the build's time, so the same inputs give the same
bytes.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from html.parser import HTMLParser
from importlib import resources

from sqmreport.present.deliverables import StudyInfo
from sqmreport.present.fonts import font_face
from sqmreport.present.i18n import text

__all__ = ["build_pdf", "combine"]

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_FAMILY = '"Noto Sans CJK SC Embedded"'
# Everything after the embedded font in the pages' font stack (report.css), for the glyphs
# no subset has (none, unless a page came without its font).
_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "Helvetica Neue", Arial, "DejaVu Sans", '
          "sans-serif")
# A label of this many columns (a CJK character counts two) or fewer is kept on one line.
_SHORT_LABEL = 18
# A table of about this many lines or fewer is not split across pages.
_WHOLE_LINES = 26
# The PDF's type is this much smaller than the pages' (9.5 pt for 15 px): so are the figures.
_FIGURE_SCALE = 0.85


def build_pdf(study: StudyInfo, overview: str, pages: list[tuple[str, str]]) -> bytes:
    """The study's combined A4 PDF.

    Parameters
    ----------
    study : StudyInfo
        Title, client, fieldwork, logo, language and provenance of the study.
    overview : str
        The overview page (``index.html``), its font face embedded; "" for none.
    pages : list of (str, str)
        Each report (its name) and its page's HTML, font face embedded, in the study's order.

    Returns
    -------
    bytes
        The PDF: the same arguments give the same bytes.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    _pass_png_through()
    _quiet_css_warnings()
    document = combine(study, overview, pages)
    # Only data: URLs (the images and fonts the pages embed): nothing reaches the network
    # or the file system.
    fetcher = URLFetcher(allowed_protocols={"data"})
    rendered = HTML(string=document, url_fetcher=fetcher).render()
    return rendered.write_pdf(
        pdf_identifier=hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode(),
        custom_metadata=True)


def warm_up() -> None:
    """Import WeasyPrint and lay out a line of text in the reports' fonts, so that a process
    started ahead of its first PDF has Pango's font set loaded by then."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    _pass_png_through()
    _quiet_css_warnings()
    HTML(string=f'<p style="font-family: {_STACK}">Aa 满意度 만족 満足</p>',
         url_fetcher=URLFetcher(allowed_protocols={"data"})).render()


def combine(study: StudyInfo, overview: str, pages: list[tuple[str, str]]) -> str:
    """The one HTML document :func:`build_pdf` lays out."""
    lang = study.language
    parts = []
    if overview:
        parts.append(_Page("overview", lang, {r for r, _ in pages}).read(overview))
        parts[-1].label = text(lang, "pdf.overview")
    for report, page in pages:
        parts.append(_Page(report, lang, {r for r, _ in pages}).read(page))
    parts = [p for p in parts if p.body.strip()]

    # The pages' font faces, one family each (the same face once): the build embeds one
    # subset per build, so pages carried from an earlier build may have another.
    faces: list[str] = []
    for part in parts:
        for face in part.faces:
            if face not in faces:
                faces.append(face)
    families = [f'"Noto Sans CJK SC {i + 1}"' for i in range(len(faces))]
    css = [face.replace(_FAMILY, family, 1) for face, family in zip(faces, families)]

    built = str(study.provenance.get("built", ""))
    footer = next((p.footer for p in parts if p.footer), "")
    cover, contents = _cover(study, parts, built), _contents(lang, parts, footer)
    header = " · ".join(x for x in (study.client, study.title) if x)
    page_label = _page_label(lang)
    # The PDF's own words whose glyphs no page has (page numbers, cover labels): a small
    # subset of the CJK font (cached on disk, as every subset).
    own = header + page_label + cover + contents
    seen = set(overview).union(*(set(p) for _, p in pages))
    missing = "".join(sorted({c for c in own if ord(c) > 0x7F} - seen))
    if missing or not faces:
        css.append(font_face(missing).replace(_FAMILY, '"Noto Sans CJK SC PDF"', 1))
        families.append('"Noto Sans CJK SC PDF"')

    styles = {}  # the pages' own rules, each set once (the pages share report.css)
    for part in parts:
        if part.style.strip():
            styles.setdefault(re.sub(r"\s+", " ", part.style).strip(), part.style)
    counter = "".join(f" {_css_string(s)}" if i % 2 == 0 else f" counter({s})"
                      for i, s in enumerate(re.split(r"\{(page|pages)\}", page_label)) if s)
    own_rules = [
        f":root {{ font-family: {', '.join([*families, _STACK])}; }}",
        f"@page {{ @top-left {{ content: {_css_string(header)}; }} "
        f"@bottom-right {{ content:{counter}; }} }}",
        *(f"#{p.anchor} {{ bookmark-label: {_css_string(p.label)}; }}" for p in parts),
    ]
    pdf_css = resources.files(__package__).joinpath("pdf.css").read_text(encoding="utf-8")
    body = "".join(f'<section class="part {"overview" if p.name == "overview" else "report"}" '
                   f'id="{p.anchor}" data-label="{html.escape(p.label)}">{p.body}</section>'
                   for p in parts)
    if footer:
        body += f'<section class="appendix">{footer}</section>'
    meta = _metadata(study, built)
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else lang}"><head>'
            f'<meta charset="utf-8"><title>{html.escape(study.title)}</title>{meta}'
            f"<style>{''.join(css)}\n{''.join(styles.values())}\n{pdf_css}\n{chr(10).join(own_rules)}</style>"
            f"</head><body>{cover}{contents}{body}</body></html>\n")


def _metadata(study: StudyInfo, built: str) -> str:
    provenance = study.provenance
    inputs = [f"{name} SHA-256 {digest}" for name, digest in sorted(provenance.items())
              if name not in ("sqmreport", "built")]
    about = [f"sqmreport {provenance['sqmreport']}"] if "sqmreport" in provenance else []
    if built:
        about.append(f"built {built}")
    entries = {
        "author": study.client,
        "description": "; ".join([*about, *inputs]),
        "keywords": ", ".join([study.name, *study.reports, *about, *inputs]),
        "generator": f"sqmreport {provenance.get('sqmreport', '')}".strip(),
        "dcterms.created": built,
        "dcterms.modified": built,
        "sqmreport-provenance": json.dumps(provenance, sort_keys=True, ensure_ascii=False),
    }
    return "".join(f'<meta name="{name}" content="{html.escape(value)}">'
                   for name, value in entries.items() if value)


def _cover(study: StudyInfo, parts: list[_Page], built: str) -> str:
    lang = study.language
    logo = ""
    if study.logo:
        import base64

        kind = study.logo_type or "image/png"
        logo = (f'<img class="cover-logo" alt="" '
                f'src="data:{kind};base64,{base64.b64encode(study.logo).decode()}">')
    facts = [(text(lang, "title_block.client"), study.client),
             (text(lang, "title_block.fieldwork"), study.fieldwork),
             (text(lang, "title_block.built"), built[:10])]
    facts_html = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>"
                         for k, v in facts if v)
    listed = "".join(f"<li>{html.escape(p.label)}</li>" for p in parts)
    return (f'<section class="cover">{logo}<div class="cover-band"></div>'
            f'<p class="cover-client">{html.escape(study.client)}</p>'
            f'<h1 class="cover-title">{html.escape(study.title)}</h1>'
            f'<dl class="cover-facts">{facts_html}</dl>'
            f'<div class="cover-parts"><p>{html.escape(text(lang, "pdf.includes"))}</p>'
            f"<ol>{listed}</ol></div></section>")


def _contents(lang: str, parts: list[_Page], footer: str) -> str:
    items = []
    for part in parts:
        sections = "".join(f'<li><a href="#{i}">{html.escape(t)}</a></li>' for i, t in part.sections)
        items.append(f'<li class="part-entry"><a href="#{part.anchor}">{html.escape(part.label)}</a>'
                     f'{f"<ol>{sections}</ol>" if sections else ""}</li>')
    heading = re.search(r'<h2 id="([^"]+)">(.*?)</h2>', footer)
    if heading:  # the provenance, at the end
        items.append(f'<li class="part-entry"><a href="#{heading[1]}">{heading[2]}</a></li>')
    title = html.escape(text(lang, "toc"))
    return f'<nav class="contents"><h2 class="contents-title">{title}</h2><ol>{"".join(items)}</ol></nav>'


def _page_label(lang: str) -> str:
    return text(lang, "pdf.page", page="{page}", pages="{pages}")


def _css_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def _width(value: str) -> int:
    """How wide a text reads: a CJK (wide) character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in value)


_NUMBERS = re.compile(r"[-+−–.,;:%‰()\[\]0-9<>=≤≥ ]*")


def _short(value: str) -> bool:
    """Whether a cell's text is kept on one line: a short label, or numbers (an estimate
    with its interval)."""
    return _width(value) <= _SHORT_LABEL or (len(value) <= 32 and _NUMBERS.fullmatch(value) is not None)


class _Page(HTMLParser):
    """One page's content for the combined document: its ``<main>`` (else ``<body>``) with
    ids prefixed, links made internal, the table of contents dropped, the provenance
    footer set apart, and what the contents and the fonts need collected."""

    def __init__(self, name: str, language: str, reports: set[str]):
        super().__init__(convert_charrefs=True)
        self.name, self.reports = name, reports
        self._parameters_label = text(language, "footer.parameters")
        self.anchor = f"part-{name}"
        self.label = ""  # the report's name (its title block's kicker)
        self.title = ""
        self.style = ""
        self.faces: list[str] = []
        self.sections: list[tuple[str, str]] = []  # (prefixed id, heading text) of each h2
        self.body = self.footer = ""
        self._out: list[str] = []
        self._stack: list[tuple[str, str]] = []  # (tag, what it is: keep, skip, footer...)
        self._in = ""  # head, body, main
        self._text: list[str] | None = None  # the text of the element being read
        self._h2: str | None = None
        self._kicker = False
        self._table: list[int] = []  # positions of the open <table> start tags in _out
        self._figures: list[int] = []  # ... and <figure> start tags
        self._columns = self._rows = 0
        self._cell: int | None = None
        self._skip_dd = False

    def read(self, page: str) -> _Page:
        has_main = "<main" in page
        self._want = "main" if has_main else "body"
        self.feed(page)
        self.close()
        self.body = "".join(self._out)
        return self

    # The markup ------------------------------------------------------------------------
    def _id(self, value: str) -> str:
        return f"{self.name}--{value}"

    def _href(self, value: str) -> str | None:
        if value.startswith("#"):
            return "#" + self._id(value[1:]) if value[1:] else None
        target, _, fragment = value.partition("#")
        report = target[:-5] if target.endswith(".html") else None
        if report in self.reports:
            return f"#{report}--{fragment}" if fragment else f"#part-{report}"
        if re.match(r"(https?|mailto):", value):
            return value
        return None  # another file of the folder (the workbook, the deck): no link in a PDF

    def _start(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        out = []
        for key, value in attrs:
            if key == "id" and value:
                value = self._id(value)
            elif key == "href" and value is not None:
                value = self._href(value)
                if value is None:
                    continue
            out.append(f" {key}" if value is None else f' {key}="{html.escape(value)}"')
        return f"<{tag}{''.join(out)}>"

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "head":
            self._in = "head"
        elif tag == self._want and not self._in == "content":
            self._in = "content"
            return
        if self._in == "head":
            if tag in ("style", "title"):
                self._text = []
            return
        if self._in != "content":
            return
        skipping = any(kind == "skip" for _, kind in self._stack)
        kind = "keep"
        if skipping or (tag == "nav" and "toc" in classes):
            kind = "skip"
        elif tag == "footer" and "provenance" in classes:
            kind = "footer"
            self._footer_start = len(self._out)
        if tag not in _VOID:
            self._stack.append((tag, kind))
        if kind == "skip":
            return
        if tag == "dt" and self._in_footer():
            self._text = []
            self._dt_start = len(self._out)
        if tag == "dd" and self._skip_dd:
            self._stack[-1] = (tag, "skip")
            self._skip_dd = False
            return
        if tag == "h2" and attributes.get("id") and not self._in_footer():
            self._h2 = self._id(attributes["id"])
            self._text = []
        if tag == "p" and "kicker" in classes and not self.label:
            self._kicker = True
            self._text = []
        if tag == "figure":
            self._figures.append(len(self._out))
        elif tag == "table":
            self._table.append(len(self._out))
            self._columns = self._rows = 0
            self._long_rows: set[int] = set()
        elif tag == "tr":
            self._rows += 1
            self._row_cells = 0
        elif tag in ("td", "th"):
            self._row_cells += 1
            self._columns = max(self._columns, self._row_cells)
            if tag == "td":
                self._cell = len(self._out)
                self._text = []
        if tag == "img" and attributes.get("width", "").isdigit():
            # A figure at the share of its page size that the PDF's type is of the page's.
            attrs = [*attrs, ("style", f"width: {int(attributes['width']) * _FIGURE_SCALE:.0f}px")]
        self._out.append(self._start(tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self._in == "head":
            if tag == "style" and self._text is not None:
                style = "".join(self._text)
                self.faces += _FACE.findall(style)
                self.style += _FACE.sub("", style)
                self._text = None
            elif tag == "title" and self._text is not None:
                self.title = "".join(self._text).strip()
                self._text = None
            elif tag == "head":
                self._in = ""
            return
        if self._in != "content" or tag in _VOID:
            return
        if tag == self._want and not any(t == tag for t, _ in self._stack):
            self._in = "done"
            return
        while self._stack:  # (tolerates a missing end tag)
            open_tag, kind = self._stack.pop()
            if kind != "skip":
                self._end(open_tag, kind)
            if open_tag == tag:
                break

    def _end(self, tag: str, kind: str) -> None:
        self._out.append(f"</{tag}>")
        if tag == "h2" and self._h2 is not None:
            self.sections.append((self._h2, "".join(self._text or []).strip()))
            self._h2, self._text = None, None
        elif tag == "p" and self._kicker:
            self.label = "".join(self._text or []).strip()
            self._kicker, self._text = False, None
        elif tag == "dt" and self._in_footer() and self._text is not None:
            if "".join(self._text).strip() == self._parameters_label:
                del self._out[self._dt_start:]  # the page's own parameters: per report
                self._skip_dd = True
            self._text = None
        elif tag == "td" and self._cell is not None:
            if self._text is not None and not _short("".join(self._text).strip()):
                self._long_rows.add(self._rows)  # it may wrap: a taller row
            elif self._text is not None:
                start = self._out[self._cell]
                self._out[self._cell] = (start.replace(' class="', ' class="label ', 1)
                                         if ' class="' in start else start[:-1] + ' class="label">')
            self._cell, self._text = None, None
        elif tag == "table" and self._table:
            at = self._table.pop()
            size = ("wide wider" if self._columns >= 11 else "wide" if self._columns >= 7
                    else "")
            if size:
                self._out[at] = self._out[at][:-1] + f' class="{size}">'
            # A table that fits on a page is kept whole (its figure, with its title and note);
            # a longer one is split between rows, its header repeated.
            if self._rows + 2 * len(self._long_rows) <= _WHOLE_LINES and self._figures:
                start = self._out[self._figures[-1]]
                self._out[self._figures[-1]] = (start.replace(' class="', ' class="whole ', 1)
                                                if ' class="' in start else start[:-1] + ' class="whole">')
        elif tag == "figure" and self._figures:
            self._figures.pop()
        elif kind == "footer":
            self.footer = "".join(self._out[self._footer_start:])
            del self._out[self._footer_start:]

    def _in_footer(self) -> bool:
        return any(kind == "footer" for _, kind in self._stack)

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)
        if self._in == "head" or self._in != "content":
            return
        if any(kind == "skip" for _, kind in self._stack):
            return
        self._out.append(html.escape(data, quote=False))


def _quiet_css_warnings() -> None:
    """Keep WeasyPrint's warnings about the pages' screen-only CSS (media queries for
    phones, properties it does not know) out of the build's output; its errors (an image
    it could not read or was refused) still reach it."""
    import logging

    class ScreenRules(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return record.levelno >= logging.ERROR

    logger = logging.getLogger("weasyprint")
    if not any(isinstance(f, logging.Filter) and type(f).__name__ == "ScreenRules"
               for f in logger.filters):
        logger.addFilter(ScreenRules())


# Figures -------------------------------------------------------------------------------
def _png_parts(data: bytes) -> dict | None:
    """What a PDF image needs of a PNG whose compressed rows it can take as they are (8-bit
    or less, not interlaced, grey, RGB or a palette, no transparency); None otherwise."""
    import struct
    import zlib

    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    at, found, idat = 8, {}, []
    while at + 8 <= len(data):
        (length,), kind = struct.unpack(">I", data[at:at + 4]), data[at + 4:at + 8]
        chunk = data[at + 8:at + 8 + length]
        if len(chunk) != length or zlib.crc32(kind + chunk) != struct.unpack(
                ">I", data[at + 8 + length:at + 12 + length] or b"\0\0\0\0")[0]:
            return None
        if kind == b"IDAT":
            idat.append(chunk)
        elif kind in (b"IHDR", b"PLTE", b"tRNS"):
            found[kind] = chunk
        elif kind == b"IEND":
            break
        at += 12 + length
    header = found.get(b"IHDR")
    if header is None or len(header) != 13 or not idat or b"tRNS" in found:
        return None
    width, height, bits, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    colours = {0: 1, 2: 3, 3: 1}.get(colour)
    if colours is None or interlace or bits > 8 or (colour == 2 and bits != 8):
        return None
    if colour == 3:
        palette = found.get(b"PLTE", b"")
        if not palette or len(palette) % 3:
            return None
        space = ("indexed", palette)
    else:
        space = ("gray" if colour == 0 else "rgb", b"")
    return {"width": width, "height": height, "bits": bits, "colours": colours,
            "space": space, "data": b"".join(idat)}


def _pass_png_through() -> None:
    """Let WeasyPrint put the figures' PNG data in the PDF as it is.

    WeasyPrint decodes every PNG and encodes it again (twice for a palette image, which
    it also makes RGB): for a study's 2x figures that is most of the PDF's time and size,
    while PDF reads PNG's compressed rows (Flate with PNG predictors) and palettes as they
    are.  A figure it can take so is passed through; any other image (transparency,
    16 bits, interlaced, rotated, or a ``dpi`` option that resamples) goes WeasyPrint's
    own way.  Installed once for the process; other images are unaffected.
    """
    import pydyf
    from weasyprint import images

    base = images.RasterImage
    if getattr(base, "_sqmreport", False):
        return

    class _Hex(pydyf.Object):
        def __init__(self, value: bytes):
            super().__init__()
            self.value = value

        @property
        def data(self) -> bytes:
            return b"<" + self.value.hex().encode() + b">"

    class PassThroughImage(base):
        _sqmreport = True

        def __init__(self, pillow_image, image_id, image_data, filename=None, cache=None,
                     orientation="none", options=images.DEFAULT_OPTIONS):
            png = None
            if (getattr(pillow_image, "format", None) == "PNG" and image_data
                    and not options.get("dpi") and not options.get("optimize_images")
                    and images.rotate_pillow_image(pillow_image, orientation) is pillow_image):
                png = _png_parts(image_data)
            self._png = png
            if png is None:
                super().__init__(pillow_image, image_id, image_data, filename, cache,
                                 orientation, options)
                return
            self.id, self._cache = image_id, {} if cache is None else cache
            self._jpeg_quality, self._dpi, self.optimize = None, None, False
            self.width, self.height = png["width"], png["height"]
            self.ratio = self.width / self.height if self.height else float("inf")
            self.mode, self.format, self.invert_colors = "RGB", "PNG", False
            self.image_data = self.cache_image_data(image_data)

        def get_x_object(self, interpolate, dpi_ratio):
            png = self._png
            if png is None or dpi_ratio != 1:
                return super().get_x_object(interpolate, dpi_ratio)
            kind, palette = png["space"]
            if kind == "indexed":
                space = pydyf.Array(["/Indexed", "/DeviceRGB", len(palette) // 3 - 1,
                                     _Hex(palette)])
            else:
                space = "/DeviceGray" if kind == "gray" else "/DeviceRGB"
            extra = pydyf.Dictionary({
                "Type": "/XObject", "Subtype": "/Image", "Width": png["width"],
                "Height": png["height"], "ColorSpace": space, "BitsPerComponent": png["bits"],
                "Interpolate": "true" if interpolate else "false", "Filter": "/FlateDecode",
                "DecodeParms": pydyf.Dictionary({
                    "Predictor": 15, "Colors": png["colours"], "BitsPerComponent": png["bits"],
                    "Columns": png["width"]}),
            })
            return pydyf.Stream([self.cache_image_data(png["data"], slot="stream")], extra)

    images.RasterImage = PassThroughImage
