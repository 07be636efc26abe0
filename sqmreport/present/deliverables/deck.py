"""The editable PowerPoint deck (``deck.pptx``): the study's results as a consultant presents them.

A 16:9 deck made from the reports' manifests alone (:mod:`sqmreport.present.manifest`):

1. a title slide: the study, the client, the fieldwork and responses, the logo, the reports;
2. the headline figures as cards (CSI, NPS, SERVQUAL gap ..., each with its interval, what
   it means and its change since the last wave), when the reports have any;
3. the actions the reports' priority model supports (or, when none, that no item falls
   clearly short);
4. one slide per key figure of every report, in order: its title, its one-sentence
   takeaway, the chart and a source line.  A figure whose numbers the manifest carries
   (:class:`~sqmreport.present.manifest.Chart`) is drawn as a native PowerPoint chart the
   client can restyle and whose data they can edit; any other as the report's own picture
   (stored at twice its layout size, so it stays sharp when projected).

Every text is in the study's language (the ``deck`` texts of the locale files) and every run
names the study's font for Latin and for East Asian text (PowerPoint picks the font of a
character by its script): Microsoft YaHei for a Chinese study (on every Office machine;
Office falls back to its own fonts for Hangul and kana), Calibri for an English one.
Text boxes are sized for their text from an estimate of its width (a CJK character is twice
as wide as a Latin letter), then shrink further when the client edits them.

The same inputs give the same bytes: the document's dates are the build's time
(``provenance["built"]``) and the zip archive (and each chart's embedded workbook) is
written with fixed timestamps, in sorted order.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import unicodedata
import zipfile
from datetime import UTC, datetime

from sqmreport.present.deliverables import StudyInfo
from sqmreport.present.formatting import format_number
from sqmreport.present.i18n import text
from sqmreport.present.manifest import Action, Chart, FigureEntry, Headline, Manifest

__all__ = ["FONTS", "build_deck", "number_format"]

#: The study's font, by language: named for Latin and East Asian text on every run.
FONTS = {"zh": "Microsoft YaHei", "en": "Calibri"}
_LANG_TAGS = {"zh": "zh-CN", "en": "en-US"}

# 16:9 slide, in inches (12192000 x 6858000 EMU, PowerPoint's own widescreen size).
_WIDTH, _HEIGHT = 12192000 / 914400, 7.5
_MARGIN = 0.55
_EMU = 914400

#: kind (formatting.KINDS) -> the Excel/PowerPoint number format that shows a number as
#: :func:`~sqmreport.present.formatting.format_number` does (a true minus sign, a signed
#: kind's plus).
_FORMATS = {"count": "#,##0", "df": "0", "mean": "0.00", "coefficient": "0.000", "index": "0.0",
            "index_change": "+0.0;\"\u2212\"0.0;0.0", "gap": "+0.00;\"\u2212\"0.00;0.00",
            "nps": "+0;\"\u2212\"0;0", "percent": "0.0%", "percent_change": "+0.0%;\"\u2212\"0.0%;0.0%",
            "p": "0.000", "precise": "0.0000", "level": "General", "plain": "General"}
_SIGNED = {"index_change", "gap", "nps", "percent_change"}
_PERCENT = {"percent", "percent_change"}

_HEADLINES_PER_SLIDE = 8
MAX_ACTIONS = 5  # as the overview shows them: the first five, and how many more
_MAX_LABELLED_POINTS = 40  # more data labels than this would cover the chart


def number_format(kind: str, decimals: int | None = None) -> str:
    """The PowerPoint (Excel) number format of ``kind``, optionally with other ``decimals``
    (an axis whose ticks need fewer).

    >>> number_format("mean"), number_format("percent"), number_format("gap", 1)
    ('0.00', '0.0%', '+0.0;"−"0.0;0.0')
    """
    if kind not in _FORMATS:
        raise ValueError(f"`kind` must be one of {', '.join(_FORMATS)}, got {kind!r}")
    if decimals is None or kind in ("level", "plain", "count", "df"):
        return _FORMATS[kind]
    body = "0" + ("." + "0" * decimals if decimals > 0 else "")
    suffix = "%" if kind in _PERCENT else ""
    if kind in _SIGNED:
        return f'+{body}{suffix};"\u2212"{body}{suffix};{body}{suffix}'
    return body + suffix


# -- text: width estimates, fonts ------------------------------------------------------------


def _char_width(char: str) -> float:
    """A character's width in ems (an estimate: CJK full width, Latin about half)."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char == " ":
        return 0.28
    if char in "il.,;:!|'`()[]{}":
        return 0.3
    if char.isupper() or char in "mwMW%@":
        return 0.68
    return 0.54


def _tokens(line: str) -> list[str]:
    """Pieces a line may break between: Latin words (with their trailing space) and single
    wide characters."""
    return re.findall(r"[^\s\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]*\s*"
                      r"|[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]\s*",
                      line)


def _lines(value: str, size: float, width: float, bold: bool = False) -> int:
    """How many lines ``value`` takes at ``size`` points in a box ``width`` inches wide."""
    room = width * 72
    factor = size * (1.06 if bold else 1.0)
    count = 0
    for line in value.split("\n"):
        used, count = 0.0, count + 1
        for token in _tokens(line):
            if not token:
                continue
            w = sum(_char_width(c) for c in token) * factor
            if used and used + sum(_char_width(c) for c in token.rstrip()) * factor > room:
                count, used = count + 1, 0.0
            while w > room:  # a word longer than the line is broken
                count, w = count + 1, w - room
            used += w
    return count


def fit_size(value: str, width: float, height: float, largest: float, smallest: float, *,
             bold: bool = False, spacing: float = 1.2) -> float:
    """The largest font size (points, in half points from ``largest`` down to ``smallest``)
    at which ``value`` fits a box of ``width`` x ``height`` inches (inner size)."""
    size = largest
    while size > smallest:
        if _lines(value, size, width, bold) * size * spacing <= height * 72:
            return size
        size -= 0.5
    return smallest


def _qn(tag: str) -> str:
    from pptx.oxml.ns import qn

    return qn(tag)


_AFTER_FONTS = ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")


def _set_typeface(rpr, font: str, language: str) -> None:
    """Name ``font`` for Latin and East Asian text in a run's (or a default's) properties,
    in the schema's order of children."""
    from pptx.oxml.xmlchemy import OxmlElement

    for tag in ("a:latin", "a:ea"):
        for old in rpr.findall(_qn(tag)):
            rpr.remove(old)
    after = next((child for child in rpr if child.tag in {_qn(t) for t in _AFTER_FONTS}), None)
    for tag in ("a:latin", "a:ea"):
        element = OxmlElement(tag)
        element.set("typeface", font)
        if after is None:
            rpr.append(element)
        else:
            after.addprevious(element)
    if rpr.tag != _qn("a:defRPr") or rpr.get("lang") is None:
        rpr.set("lang", _LANG_TAGS.get(language, "en-US"))


def _fonts_everywhere(element, font: str, language: str) -> None:
    """Set the study's font on every run (and every default run property) under ``element``."""
    for run in element.iter(_qn("a:r"), _qn("a:fld")):
        rpr = run.find(_qn("a:rPr"))
        if rpr is None:
            from pptx.oxml.xmlchemy import OxmlElement

            rpr = OxmlElement("a:rPr")
            run.insert(0, rpr)
        _set_typeface(rpr, font, language)
    for rpr in element.iter(_qn("a:defRPr"), _qn("a:endParaRPr")):
        _set_typeface(rpr, font, language)


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#").upper())


#: The reports' colours, as :mod:`sqmreport.present.plots` draws with them (INK, GRID, ACCENT,
#: QUADRANT_COLOURS; a test keeps them equal): copied, not imported, because importing the
#: plots imports matplotlib, seconds of a build that draws nothing.
INK, GRID, ACCENT = "#1f2937", "#e5e7eb", "#1d4e89"
QUADRANT_COLOURS = {"improve": "#c0392b", "maintain": "#1d7a46", "low_priority": "#7f8c8d",
                    "overkill": "#d68910"}


class _Style:
    """The report's colours and the study's font."""

    def __init__(self, language: str):
        self.language, self.font = language, FONTS.get(language, FONTS["en"])
        self.ink, self.grid, self.accent = INK, GRID, ACCENT
        self.muted, self.light = "#6b7280", "#f3f4f6"
        self.series = [ACCENT, "#9ca3af", QUADRANT_COLOURS["overkill"], QUADRANT_COLOURS["maintain"],
                       "#8e44ad", "#2e86c1", QUADRANT_COLOURS["improve"], QUADRANT_COLOURS["low_priority"]]


# -- building blocks ---------------------------------------------------------------------------


def _inches(value: float) -> int:
    return int(round(value * _EMU))


def _textbox(slide, left, top, width, height, paragraphs, style: _Style, *, shape=None,
             anchor="top", margin=0.05):
    """A text box (or ``shape``'s text frame) holding ``paragraphs``: lists of runs
    ``(text, size, bold, colour)``, each paragraph optionally a dict with ``runs`` and
    ``align``."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Pt

    if shape is None:
        shape = slide.shapes.add_textbox(_inches(left), _inches(top), _inches(width), _inches(height))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # shrinks again when the client edits it
    for side in ("left", "right"):
        setattr(frame, f"margin_{side}", _inches(margin))
    frame.margin_top = frame.margin_bottom = _inches(0.03)
    frame.vertical_anchor = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE,
                             "bottom": MSO_ANCHOR.BOTTOM}[anchor]
    for index, paragraph in enumerate(paragraphs):
        spec = paragraph if isinstance(paragraph, dict) else {"runs": paragraph}
        p = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        p.alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER,
                       "right": PP_ALIGN.RIGHT}[spec.get("align", "left")]
        if spec.get("space_before"):
            p.space_before = Pt(spec["space_before"])
        for value, size, bold, colour in spec["runs"]:
            run = p.add_run()
            run.text = value
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = _rgb(colour)
    return shape


def _title(slide, value: str, style: _Style, *, left=_MARGIN, top=0.35, width=_WIDTH - 2 * _MARGIN,
           height=0.85, largest=28.0, smallest=16.0):
    """The slide's title placeholder, placed and sized for its text (kept on its last line)."""
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = (_inches(left), _inches(top), _inches(width),
                                                        _inches(height))
    size = fit_size(value, width - 0.1, height - 0.06, largest, smallest, bold=True)
    _textbox(slide, 0, 0, 0, 0, [[(value, size, True, style.ink)]], style, shape=shape,
             anchor="bottom")
    return shape


def _rectangle(slide, left, top, width, height, fill: str, *, rounded=False):
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE,
                                   _inches(left), _inches(top), _inches(width), _inches(height))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(fill)
    shape.line.fill.background()
    shape.shadow.inherit = False
    if rounded:
        shape.adjustments[0] = 0.06
    return shape


def _page_number(slide, style: _Style) -> None:
    """The slide number, bottom right (a field: it follows the slide when moved)."""
    from pptx.enum.text import PP_ALIGN
    from pptx.oxml.xmlchemy import OxmlElement

    box = slide.shapes.add_textbox(_inches(_WIDTH - _MARGIN - 1.0), _inches(_HEIGHT - 0.45),
                                   _inches(1.0), _inches(0.3))
    paragraph = box.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT

    def child(parent, tag, **attributes):
        element = OxmlElement(tag)
        for name, value in attributes.items():
            element.set(name, value)
        parent.append(element)
        return element

    field = child(paragraph._p, "a:fld", id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}", type="slidenum")
    rpr = child(field, "a:rPr", sz="1000")
    child(child(rpr, "a:solidFill"), "a:srgbClr", val=style.muted.lstrip("#").upper())
    child(field, "a:t").text = str(len(slide.part.package.presentation_part.presentation.slides))


def _source_line(slide, value: str, style: _Style) -> None:
    width = _WIDTH - 2 * _MARGIN - 1.2
    size = fit_size(value, width - 0.1, 0.42, 11, 8)
    _textbox(slide, _MARGIN, _HEIGHT - 0.62, width, 0.48, [[(value, size, False, style.muted)]],
             style, anchor="bottom")


# -- the slides ----------------------------------------------------------------------------------


def _join(language: str, items) -> str:
    return text(language, "list_sep").join(items)


def _facts_line(language: str, manifests: list[Manifest]) -> str:
    facts = next((m.facts for m in manifests if m.facts.get("n") is not None), {})
    n, invited, rate = facts.get("n"), facts.get("invited"), facts.get("response_rate")
    if n is None:
        return ""
    if invited and rate is not None:
        return text(language, "deck.responses_rate", n=n, invited=invited, rate=rate)
    return text(language, "deck.responses", n=n)


def _image_stream(data: bytes) -> io.BytesIO | None:
    """The logo as PowerPoint takes it: PNG, JPEG and GIF as they are, WebP as PNG;
    None for a format PowerPoint cannot show as a picture (SVG)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format in ("PNG", "JPEG", "GIF"):
                return io.BytesIO(data)
            out = io.BytesIO()
            image.convert("RGBA").save(out, format="PNG")
            return out
    except (UnidentifiedImageError, OSError):
        return None


def _title_slide(prs, study: StudyInfo, manifests: list[Manifest], style: _Style) -> None:
    language = study.language
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    for placeholder in list(slide.placeholders):
        if placeholder.placeholder_format.idx != 0:
            placeholder._element.getparent().remove(placeholder._element)
    _rectangle(slide, 0, 0, 0.28, _HEIGHT, style.accent)
    left, width = 1.0, 8.4
    _title(slide, study.title, style, left=left, top=1.5, width=width, height=1.9, largest=40,
           smallest=24)
    top = 3.55
    lines = []
    if study.client:
        lines.append([(study.client, 22, False, style.ink)])
    details = [v for v in (text(language, "deck.fieldwork", fieldwork=study.fieldwork)
                           if study.fieldwork else "", _facts_line(language, manifests)) if v]
    if details:
        lines.append([(text(language, "deck.separator").join(details), 16, False, style.muted)])
    if lines:
        _textbox(slide, left, top, width, 1.0, lines, style)
    titles = [m.title for m in manifests if m.title]
    if titles:
        size = 14 if len(titles) <= 5 else 12
        paragraphs = [{"runs": [(text(language, "deck.reports_included"), size, True, style.ink)],
                       "space_before": 0}]
        paragraphs += [{"runs": [("\u2022 " + t, size, False, style.ink)], "space_before": 2}
                       for t in titles]
        _textbox(slide, left, 4.75, width, 2.0, paragraphs, style)
    built = str(study.provenance.get("built", ""))[:10]
    if built:
        _textbox(slide, left, _HEIGHT - 0.6, width, 0.35,
                 [[(text(language, "deck.date", date=built), 11, False, style.muted)]], style)
    if study.logo:
        stream = _image_stream(study.logo)
        if stream is not None:
            _fit_picture(slide, stream, _WIDTH - _MARGIN - 2.8, 0.5, 2.8, 1.3, align="right")


def _fit_picture(slide, stream, left, top, width, height, *, align="center", size=None):
    """A picture scaled to fit the box (its aspect kept), centred (or right-aligned)."""
    if size is None:
        from PIL import Image

        with Image.open(stream) as image:
            size = image.size
        stream.seek(0)
    aspect = size[0] / size[1]
    w, h = (width, width / aspect) if width / aspect <= height else (height * aspect, height)
    x = left + (width - w) if align == "right" else left + (width - w) / 2
    return slide.shapes.add_picture(stream, _inches(x), _inches(top + (height - h) / 2),
                                    _inches(w), _inches(h))


def _content_slide(prs, title: str, style: _Style):
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # Title Only
    _title(slide, title, style)
    _page_number(slide, style)
    return slide


def _headline_slides(prs, study: StudyInfo, manifests: list[Manifest], style: _Style) -> None:
    language = study.language
    cards = _headlines(manifests)
    pages = [cards[i:i + _HEADLINES_PER_SLIDE] for i in range(0, len(cards), _HEADLINES_PER_SLIDE)]
    several_reports = len({m.report for _, m in cards}) > 1
    for number, page in enumerate(pages):
        title = text(language, "deck.headlines")
        if number:
            title = text(language, "deck.continued", title=title)
        slide = _content_slide(prs, title, style)
        columns = len(page) if len(page) <= 4 else math.ceil(len(page) / 2)
        rows = math.ceil(len(page) / columns)
        gap, top = 0.25, 1.45
        width = (_WIDTH - 2 * _MARGIN - gap * (columns - 1)) / columns
        room = _HEIGHT - top - 0.7
        height = min(2.6, (room - gap * (rows - 1)) / rows) if rows > 1 else 3.6
        top += max(0.0, room - rows * height - gap * (rows - 1)) / 3  # a little above the middle
        for index, (headline, manifest) in enumerate(page):
            row, column = divmod(index, columns)
            _card(slide, headline, manifest.title if several_reports else "",
                  _MARGIN + column * (width + gap), top + row * (height + gap), width, height, style)


def _card(slide, headline: Headline, report: str, left, top, width, height, style: _Style) -> None:
    """A headline figure's card: its label, the figure large, its interval below it, then what
    it means and its change since the last wave; the report it is from at the foot."""
    card = _rectangle(slide, left, top, width, height, style.light, rounded=True)
    _rectangle(slide, left, top + 0.18, 0.07, height - 0.36, style.accent)
    inner = width - 0.5
    value = format_number(headline.value, headline.kind)
    shown = headline.text or value
    main, rest = (value, shown[len(value):].strip()) if shown.startswith(value) else (shown, "")
    label_size = fit_size(headline.label, inner, 0.6, 16, 10, bold=True)
    main_size = fit_size(main, inner, 0.8, 44 if height > 2.8 else 34, 18, bold=True)
    paragraphs = [[(headline.label, label_size, True, style.ink)],
                  {"runs": [(main, main_size, True, style.accent)], "space_before": 6}]
    used = (label_size + main_size * _lines(main, main_size, inner, True)) * 1.25 + 6
    if rest:
        rest_size = fit_size(rest, inner, 0.55, 16, 10)
        paragraphs.append([(rest, rest_size, False, style.ink)])
        used += rest_size * _lines(rest, rest_size, inner) * 1.25
    small = [v for v in (headline.detail, headline.change_text) if v]
    room = height - 0.35 - used / 72 - (0.3 if report else 0)
    if small:
        size = fit_size("\n".join(small), inner, max(room, 0.3), 14, 9)
        paragraphs += [{"runs": [(v, size, False, style.muted if v == headline.detail else style.ink)],
                        "space_before": 6} for v in small]
    _textbox(slide, 0, 0, 0, 0, paragraphs, style, shape=card, margin=0.25)
    card.text_frame.margin_top = _inches(0.2)
    if report:
        size = fit_size(report, inner, 0.28, 10, 8)
        _textbox(slide, left + 0.2, top + height - 0.4, inner, 0.3,
                 [[(report, size, False, style.muted)]], style)


def _headlines(manifests: list[Manifest]) -> list[tuple[Headline, Manifest]]:
    """The headline figures in the reports' order, each once: a later record of the same key
    in a report completes it in its place, and a figure two reports show alike (the same key
    and value) is the first report's."""
    found: dict[tuple, tuple[Headline, Manifest]] = {}
    for m in manifests:
        for h in m.headlines:
            mine = (m.report, h.key)
            same = next((k for k, (other, _) in found.items()
                         if k[0] != m.report and other.key == h.key and other.text == h.text
                         and other.value == h.value), None)
            if same is None:
                found[mine] = (h, m)
    return list(found.values())


def _actions(manifests: list[Manifest]) -> list[Action]:
    """The reports' actions by rank, each (item, group) once (the first report's), ranked
    again as they are shown (the overview's rule)."""
    ranked = sorted(((a.rank, i, a) for i, m in enumerate(manifests) for a in m.actions),
                    key=lambda x: (x[0], x[1]))
    seen, found = set(), []
    for _, _, a in ranked:
        if (a.item, a.group) not in seen:
            seen.add((a.item, a.group))
            found.append(dataclasses.replace(a, rank=len(found) + 1))
    return found


def _ranked(manifests: list[Manifest]) -> bool:
    """Whether a report shows the priority model (so that no action means no clear shortfall)."""
    from sqmreport.present.deliverables.overview import PRIORITY_SECTIONS

    return any(entry.section in PRIORITY_SECTIONS
               for m in manifests for entry in (*m.tables, *m.figures))


def _action_slides(prs, study: StudyInfo, manifests: list[Manifest], style: _Style) -> None:
    """The actions (the first five); when there are none, that no item falls clearly short
    (a report shows the priority model) or else the reports' key findings."""
    language = study.language
    actions = _actions(manifests)
    if actions:
        slide = _content_slide(prs, text(language, "deck.actions"), style)
        shown = actions[:MAX_ACTIONS]
        top, bottom = 1.5, _HEIGHT - 0.7 - (0.45 if len(actions) > len(shown) else 0)
        row_height = min(1.5, (bottom - top) / len(shown))
        for index, action in enumerate(shown):
            _action_row(slide, action, top + index * row_height, row_height - 0.12, style)
        if len(actions) > len(shown):
            _textbox(slide, _MARGIN + 0.8, bottom, 9.0, 0.4,
                     [[(text(language, "deck.more_actions", n=len(actions) - len(shown)), 14, False,
                        style.muted)]], style)
    elif _ranked(manifests):
        slide = _content_slide(prs, text(language, "deck.actions"), style)
        message = text(language, "deck.no_actions")
        size = fit_size(message, 9.0, 2.5, 24, 16)
        _textbox(slide, _MARGIN, 2.4, 9.0, 2.6, [[(message, size, False, style.ink)]], style)
    elif any(m.findings for m in manifests):
        slide = _content_slide(prs, text(language, "deck.findings"), style)
        findings = [f for m in manifests for f in m.findings]
        width, height = _WIDTH - 2 * _MARGIN - 0.3, _HEIGHT - 2.2
        size = fit_size("\n".join("\u2022 " + f for f in findings), width, height * 0.85, 20, 11)
        _textbox(slide, _MARGIN, 1.5, width, height,
                 [{"runs": [("\u2022 " + f, size, False, style.ink)], "space_before": size * 0.5}
                  for f in findings], style)


def _action_row(slide, action: Action, top: float, height: float, style: _Style) -> None:
    from pptx.enum.shapes import MSO_SHAPE

    language = style.language
    badge = slide.shapes.add_shape(MSO_SHAPE.OVAL, _inches(_MARGIN), _inches(top + 0.05),
                                   _inches(0.55), _inches(0.55))
    badge.fill.solid()
    badge.fill.fore_color.rgb = _rgb(style.accent)
    badge.line.fill.background()
    badge.shadow.inherit = False
    _textbox(slide, 0, 0, 0, 0, [{"runs": [(str(action.rank), 18, True, "#ffffff")], "align": "center"}],
             style, shape=badge, anchor="middle", margin=0.0)
    left = _MARGIN + 0.8
    width = _WIDTH - _MARGIN - left
    head = [(action.item, 0, True, style.ink)]
    if action.group:
        head.append((text(language, "deck.separator") + text(language, "deck.group", group=action.group),
                     0, False, style.accent))
    head_text = "".join(r[0] for r in head)
    body = [v for v in (action.text, text(language, "deck.evidence", evidence=action.evidence)
                        if action.evidence else "") if v]
    head_size = fit_size(head_text, width - 0.1, min(0.5, height * 0.4), 22, 12, bold=True)
    body_size = fit_size("\n".join(body), width - 0.1, max(0.3, height - head_size * 1.3 / 72), 17, 9)
    paragraphs = [[(v, head_size, bold, colour) for v, _, bold, colour in head]]
    paragraphs += [[(body[0], body_size, False, style.ink)]] if action.text else []
    if action.evidence:
        paragraphs.append([(body[-1], body_size, False, style.muted)])
    _textbox(slide, left, top, width, height, paragraphs, style)


def _figure_slides(prs, study: StudyInfo, manifests: list[Manifest], style: _Style) -> None:
    language = study.language
    for manifest in manifests:
        for figure in manifest.figures:
            if figure.key:
                _figure_slide(prs, manifest, figure, language, style)


def _figure_slide(prs, manifest: Manifest, figure: FigureEntry, language: str, style: _Style) -> None:
    slide = _content_slide(prs, figure.title or manifest.title, style)
    width = _WIDTH - 2 * _MARGIN
    top = 1.25
    if figure.takeaway:
        size = fit_size(figure.takeaway, width - 0.1, 0.62, 20, 13, bold=True)
        _textbox(slide, _MARGIN, top, width, 0.68, [[(figure.takeaway, size, True, style.accent)]],
                 style)
        top += 0.78
    box = (_MARGIN, top, width, _HEIGHT - 0.7 - top)
    if figure.chart is not None and figure.chart.categories and figure.chart.series:
        _native_chart(slide, figure.chart, box, style)
    elif figure.png:
        _fit_picture(slide, io.BytesIO(figure.png), *box, size=(figure.width, figure.height)
                     if figure.width and figure.height else None)
    n = manifest.facts.get("n")
    source = (text(language, "deck.source_n", report=manifest.title, n=n) if n is not None
              else text(language, "deck.source", report=manifest.title))
    if figure.note:
        source += text(language, "deck.separator") + figure.note
    _source_line(slide, source, style)


# -- native charts -------------------------------------------------------------------------------


def _finite(values) -> list[float | None]:
    return [None if v is None or not math.isfinite(float(v)) else float(v) for v in values]


def _nice_step(span: float) -> float:
    raw = span / 6 if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * 0.999)


def _decimals(step: float) -> int:
    for decimals in range(0, 7):
        if abs(step * 10 ** decimals - round(step * 10 ** decimals)) < 1e-9:
            return decimals
    return 6


def _axis_scale(values, low, high, *, zero: bool):
    """(minimum, maximum, major unit) of a value axis: the chart's own bounds when given
    (widened to the data when it lies outside them), else from the data, from zero for bars."""
    data = [v for v in values if v is not None]
    lo_data, hi_data = (min(data), max(data)) if data else (0.0, 1.0)
    lo = low if low is not None else (min(lo_data, 0.0) if zero else lo_data)
    hi = high if high is not None else (max(hi_data, 0.0) if zero else hi_data)
    lo, hi = min(lo, lo_data), max(hi, hi_data)
    if hi - lo <= 0:
        hi = lo + (abs(lo) or 1.0)
    step = _nice_step(hi - lo)
    if low is None or lo < low:
        lo = math.floor(lo / step + 1e-9) * step
        if lo_data - lo < 0.06 * (hi - lo) and not (zero and lo_data >= 0):  # room below too
            lo -= step
    if high is None or hi > high:
        hi = math.ceil(hi / step - 1e-9) * step
        if hi - hi_data < 0.06 * (hi - lo) and not (zero and hi_data <= 0):  # room for the labels
            hi += step
    digits = _decimals(step) + 1
    return round(lo, digits), round(hi, digits), step


def _chart_data(chart: Chart, built: datetime):
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.chart.xlsx import CategoryWorkbookWriter, XyWorkbookWriter
    from pptx.util import lazyproperty

    fmt = number_format(chart.kind)

    def writer(base):
        class Writer(base):
            """The chart's workbook: fixed dates, and texts stored as texts (a category
            starting with "=" is not a formula, nor "http://..." a link)."""

            def _open_worksheet(self, xlsx_file):
                from contextlib import contextmanager

                from xlsxwriter import Workbook

                @contextmanager
                def opened():
                    workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False,
                                                    "strings_to_urls": False})
                    workbook.set_properties({"created": built})
                    worksheet = workbook.add_worksheet()
                    yield workbook, worksheet
                    workbook.close()

                return opened()

        return Writer

    if chart.type == "scatter":
        class Data(XyChartData):
            @lazyproperty
            def _workbook_writer(self):
                return writer(XyWorkbookWriter)(self)

        data = Data(number_format=fmt)
        x, y = (_finite(s.values) for s in chart.series[:2])
        series = data.add_series(chart.series[1].name or chart.y_title, number_format=fmt)
        labels = []
        for label, xv, yv in zip(chart.categories, x, y):
            if xv is not None and yv is not None:
                series.add_data_point(xv, yv)
                labels.append(label)
        return data, labels

    class Data(CategoryChartData):  # noqa: F811 (one of the two)
        @lazyproperty
        def _workbook_writer(self):
            return writer(CategoryWorkbookWriter)(self)

    data = Data(number_format=fmt)
    data.categories = list(chart.categories)
    for s in chart.series:
        data.add_series(s.name, _finite(s.values), number_format=fmt)
    return data, list(chart.categories)


def _crowded(categories, width: float) -> bool:
    """Whether the labels of columns would not fit side by side (on two lines each) in a
    chart ``width`` inches wide: such a chart reads better as horizontal bars."""
    room = (width - 1.0) / max(len(categories), 1)
    return any(_lines(str(c), 11, room) > 2 for c in categories)


def _native_chart(slide, chart: Chart, box, style: _Style):
    """``chart`` drawn as a PowerPoint chart in ``box`` (left, top, width, height inches);
    columns whose labels would not fit side by side are drawn as horizontal bars."""
    from pptx.enum.chart import (
        XL_AXIS_CROSSES,
        XL_CHART_TYPE,
        XL_LABEL_POSITION,
        XL_LEGEND_POSITION,
        XL_MARKER_STYLE,
        XL_TICK_LABEL_POSITION,
    )
    from pptx.util import Pt

    if chart.type == "bar" and _crowded(chart.categories, box[2]):
        chart = dataclasses.replace(chart, type="barh", x_title=chart.y_title, y_title=chart.x_title)
    types = {"bar": XL_CHART_TYPE.COLUMN_CLUSTERED, "barh": XL_CHART_TYPE.BAR_CLUSTERED,
             "line": XL_CHART_TYPE.LINE_MARKERS, "scatter": XL_CHART_TYPE.XY_SCATTER}
    if chart.type not in types:
        raise ValueError(f"chart type must be one of {', '.join(types)}, got {chart.type!r}")
    built = slide.part.package.presentation_part.core_properties.created or datetime(2000, 1, 1)
    data, labels = _chart_data(chart, built)
    frame = slide.shapes.add_chart(types[chart.type], *(_inches(v) for v in box), data)
    graph = frame.chart
    graph.font.size = Pt(12)
    graph.font.color.rgb = _rgb(style.ink)
    values = [v for s in chart.series for v in _finite(s.values)]
    points = len(chart.categories) * (1 if chart.type == "scatter" else len(chart.series))
    label_size = 11 if points <= 20 else 9
    plot = graph.plots[0]

    if chart.type == "scatter":
        y_values = _finite(chart.series[1].values) if len(chart.series) > 1 else values
        x_values = _finite(chart.series[0].values)
        value_axis, category_axis = graph.value_axis, graph.category_axis  # y, x
        _scale(value_axis, y_values, chart.axis_min, chart.axis_max, chart.kind, zero=False, style=style)
        _scale(category_axis, x_values, None, None, chart.kind, zero=False, style=style)
        series = plot.series[0]
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 9
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = _rgb(style.accent)
        series.marker.format.line.fill.background()
        if len(labels) <= _MAX_LABELLED_POINTS:
            for index, label in enumerate(labels):
                label_frame = series.points[index].data_label
                label_frame.position = XL_LABEL_POSITION.RIGHT
                tf = label_frame.text_frame
                tf.text = label
                for run in tf.paragraphs[0].runs:
                    run.font.size = Pt(label_size)
                    run.font.color.rgb = _rgb(style.ink)
        _axis_title(category_axis, chart.x_title, style)
        _axis_title(value_axis, chart.y_title, style)
    else:
        value_axis, category_axis = graph.value_axis, graph.category_axis
        _scale(value_axis, values, chart.axis_min, chart.axis_max, chart.kind,
               zero=chart.type != "line", style=style)
        category_axis.format.line.color.rgb = _rgb("#9ca3af")
        category_axis.has_major_gridlines = False
        category_axis.tick_labels.font.size = Pt(12 if len(chart.categories) <= 12 else 10)
        category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
        if chart.type == "barh":  # the first category on top, as read, and the values below
            category_axis.reverse_order = True
            category_axis.crosses = XL_AXIS_CROSSES.MAXIMUM
            _axis_title(value_axis, chart.x_title, style)
            _axis_title(category_axis, chart.y_title, style)
        else:
            _axis_title(category_axis, chart.x_title, style)
            _axis_title(value_axis, chart.y_title, style)
        if chart.type in ("bar", "barh"):
            plot.gap_width = 60 if len(chart.series) > 1 else 80
            plot.overlap = 0
        for index, series in enumerate(plot.series):
            colour = _rgb(style.series[index % len(style.series)])
            if chart.type == "line":
                series.smooth = False
                series.format.line.color.rgb = colour
                series.format.line.width = Pt(2.25)
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 7
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                series.marker.format.line.color.rgb = colour
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour
                series.invert_if_negative = False
        if points <= _MAX_LABELLED_POINTS:
            plot.has_data_labels = True
            labels_ = plot.data_labels
            labels_.number_format = number_format(chart.kind)
            labels_.number_format_is_linked = False
            labels_.show_value = True
            labels_.position = (XL_LABEL_POSITION.ABOVE if chart.type == "line"
                                else XL_LABEL_POSITION.OUTSIDE_END)
            labels_.font.size = Pt(label_size)
            labels_.font.color.rgb = _rgb(style.ink)
    graph.has_legend = len(chart.series) > 1 and chart.type != "scatter"
    if graph.has_legend:
        graph.legend.position = XL_LEGEND_POSITION.TOP
        graph.legend.include_in_layout = False
        graph.legend.font.size = Pt(12)
    _fonts_everywhere(graph._chartSpace, style.font, style.language)
    return frame


def _scale(axis, values, low, high, kind: str, *, zero: bool, style: _Style) -> None:
    from pptx.util import Pt

    lo, hi, step = _axis_scale([v for v in values if v is not None], low, high, zero=zero)
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = lo, hi, step
    decimals = _decimals(step * (100 if kind in _PERCENT else 1))
    axis.tick_labels.number_format = number_format(kind, decimals)
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(11)
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(style.grid)
    axis.format.line.fill.background()


def _axis_title(axis, value: str, style: _Style) -> None:
    from pptx.util import Pt

    if not value:
        return
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = value
    for run in frame.paragraphs[0].runs:
        run.font.size = Pt(12)
        run.font.bold = False
        run.font.color.rgb = _rgb(style.muted)


# -- the presentation, its metadata, its bytes ---------------------------------------------------


def _built(study: StudyInfo) -> datetime:
    """The build's time (UTC, naive as the core properties take it); 2000-01-01 without one."""
    value = str(study.provenance.get("built", "") or "")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime(2000, 1, 1)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return max(moment, datetime(1980, 1, 1))


_CORE_LIMIT = 255  # characters of a core property (python-pptx and Office enforce it)


def _provenance(study: StudyInfo) -> tuple[str, str]:
    """(keywords, comments) of the document: each input's SHA-256, the version, the time,
    as far as the core properties' 255 characters go (every input is in the custom
    properties, :func:`_custom_properties`)."""
    info = study.provenance
    inputs = {k: v for k, v in info.items() if k not in ("sqmreport", "built")}
    keywords = "; ".join([f"{name} sha256:{digest}" for name, digest in sorted(inputs.items())]
                         + [f"sqmreport {info.get('sqmreport', '')}".strip(),
                            f"built {info.get('built', '')}".strip()])
    comments = text(study.language, "deck.provenance", version=info.get("sqmreport", ""),
                    built=info.get("built", ""),
                    inputs="\n".join(f"{name}: SHA-256 {digest}"
                                     for name, digest in sorted(inputs.items())))
    if len(keywords) > _CORE_LIMIT:
        keywords = "; ".join([f"sqmreport {info.get('sqmreport', '')}".strip(),
                              f"built {info.get('built', '')}".strip(),
                              *(f"{name} sha256:{digest}" for name, digest in sorted(inputs.items()))])
        keywords = keywords[:_CORE_LIMIT].rsplit("; ", 1)[0]
    if len(comments) > _CORE_LIMIT:
        comments = comments[:_CORE_LIMIT - 1].rsplit("\n", 1)[0] + "…"
    return keywords, comments


_CUSTOM = "docProps/custom.xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
               "custom-properties")


def _custom_properties(study: StudyInfo) -> bytes:
    """The provenance as custom document properties (File > Properties > Custom): one per
    input (its SHA-256), ``sqmreport`` and ``built``, without a length limit."""
    from xml.sax.saxutils import escape, quoteattr

    rows = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
        f'name={quoteattr(str(name))}><vt:lpwstr>{escape(str(value))}</vt:lpwstr></property>'
        for pid, (name, value) in enumerate(sorted(study.provenance.items()), start=2))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/docPropsVTypes">{rows}</Properties>').encode()


def _with_custom(name: str, data: bytes) -> bytes:
    """The package's content types and relationships with the custom properties part."""
    xml = data.decode("utf-8")
    if name == "[Content_Types].xml" and _CUSTOM not in xml:
        xml = xml.replace("</Types>", f'<Override PartName="/{_CUSTOM}" '
                                      f'ContentType="{_CUSTOM_TYPE}"/></Types>')
    elif name == "_rels/.rels" and _CUSTOM_REL not in xml:
        xml = xml.replace("</Relationships>", f'<Relationship Id="rIdSqmCustom" '
                                              f'Type="{_CUSTOM_REL}" Target="{_CUSTOM}"/>'
                                              "</Relationships>")
    return xml.encode("utf-8")


def _widescreen(prs) -> None:
    """Make the default template 16:9: the slide, and the master's and layouts' own
    shapes widened with it (so that a slide the client adds looks right)."""
    old = prs.slide_width
    prs.slide_width, prs.slide_height = 12192000, 6858000
    ratio = prs.slide_width / old
    for owner in [prs.slide_master, *prs.slide_layouts]:
        for shape in owner.shapes:
            if shape.left is not None and shape.width is not None:
                shape.left, shape.width = int(shape.left * ratio), int(shape.width * ratio)


def _theme_fonts(prs, font: str) -> None:
    """The theme's heading and body fonts: the study's (for Latin and East Asian text)."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = prs.slide_master.part.part_related_by(RT.THEME)
    xml = part.blob.decode("utf-8")
    pattern = re.compile(r'(<a:(?:major|minor)Font>\s*<a:latin typeface=")[^"]*("[^>]*>\s*'
                         r'<a:ea typeface=")[^"]*"')
    attribute = font.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    xml = pattern.sub(lambda m: f'{m.group(1)}{attribute}{m.group(2)}{attribute}"', xml)
    part._blob = xml.encode("utf-8")


def _core_properties(prs, study: StudyInfo, manifests: list[Manifest], built: datetime) -> None:
    keywords, comments = _provenance(study)
    core = prs.core_properties
    core.title = study.title
    titles = [m.title for m in manifests if m.title]
    core.subject = (text(study.language, "deck.subject", reports=_join(study.language, titles))
                    if titles else study.title)
    core.author = core.last_modified_by = study.client or "sqmreport"
    core.keywords = keywords
    core.comments = comments
    core.category = text(study.language, "deck.category")
    core.language = _LANG_TAGS.get(study.language, "en-US")
    core.revision = 1
    core.created = core.modified = core.last_printed = built
    core.content_status = ""
    core.identifier = ""
    core.version = str(study.provenance.get("sqmreport", ""))


def _reproducible_zip(data: bytes, built: datetime, custom: bytes | None = None) -> bytes:
    """The archive rewritten with every entry dated ``built``, in sorted order (the content
    types first), so that the same deck is the same bytes whenever it is made; with
    ``custom``, the custom document properties added."""
    stamp = built.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        names = sorted({*source.namelist(), *([_CUSTOM] if custom is not None else [])})
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 0
            if name == _CUSTOM and custom is not None:
                content = custom
            else:
                content = source.read(name)
                if custom is not None and name in ("[Content_Types].xml", "_rels/.rels"):
                    content = _with_custom(name, content)
            target.writestr(info, content)
    return out.getvalue()


def build_deck(study: StudyInfo, manifests: list[Manifest]) -> bytes:
    """The study's results as an editable 16:9 PowerPoint deck.

    Parameters
    ----------
    study : StudyInfo
        The study: its title, client, fieldwork, logo, language and provenance.
    manifests : list of Manifest
        The reports' manifests, in the study's order.

    Returns
    -------
    bytes
        The ``.pptx`` file: a title slide; the headline figures (when there are any); the
        actions (or why there are none); one slide per key figure of every report, with a
        native chart when the manifest carries the figure's numbers, else its picture.
        The same inputs give the same bytes.

    Raises
    ------
    ValueError
        For a chart of a type the deck does not know (bar, barh, line, scatter).
    """
    from pptx import Presentation

    style = _Style(study.language)
    built = _built(study)
    prs = Presentation()
    _widescreen(prs)
    _theme_fonts(prs, style.font)
    _core_properties(prs, study, manifests, built)
    _title_slide(prs, study, manifests, style)
    if any(m.headlines for m in manifests):
        _headline_slides(prs, study, manifests, style)
    _action_slides(prs, study, manifests, style)
    _figure_slides(prs, study, manifests, style)
    for slide in prs.slides:
        _fonts_everywhere(slide._element, style.font, study.language)
    out = io.BytesIO()
    prs.save(out)
    return _reproducible_zip(out.getvalue(), built, _custom_properties(study))
