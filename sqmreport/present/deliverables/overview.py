"""The executive overview (``index.html``): the one screen a director reads first.

The study in one line (who answered, when, how many, the response rate), the headline
figures of the reports as cards (each with its interval, and its change since the last
wave when there is one), the three to five actions the reports' priority model supports,
and links into every report's sections and to the other files the build made.

Everything on it comes from the reports' manifests (:mod:`sqmreport.present.manifest`)
and the study, in the study's language; a part the study has nothing for is left out,
never printed empty.  The page is self-contained like the report pages: the report
stylesheet inlined, the font marker :data:`sqmreport.present.page.FONT_FACE` in its
``<style>`` (the build puts the embedded font there), no scripts, nothing from the network.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from urllib.parse import quote

import jinja2

from sqmreport.present.deliverables import FILES, StudyInfo
from sqmreport.present.formatting import format_number
from sqmreport.present.i18n import has_text, text
from sqmreport.present.manifest import Action, Headline, Manifest
from sqmreport.present.page import FONT_FACE

__all__ = ["build_overview"]

MAX_ACTIONS = 5
#: Sections that show the priority model: a report that shows a table or figure under one
#: of them ranked its shortfalls, so no action means no shortfall is clear enough.
PRIORITY_SECTIONS = ("priorities", "q_matrix")
#: The kind a change is written in, by the kind of the figure (a share changes in points).
_CHANGE_KINDS = {"index": "index_change", "index_change": "index_change", "nps": "nps",
                 "percent": "index_change", "percent_change": "percent_change"}


@dataclass(frozen=True)
class _Card:
    label: str
    value: str
    interval: str
    detail: str
    change: str
    href: str
    more: str


@dataclass(frozen=True)
class _Action:
    rank: int
    item: str
    group: str
    text: str
    evidence: str
    href: str


@dataclass(frozen=True)
class _Report:
    title: str
    href: str
    sections: tuple[tuple[str, str], ...]  # (href, heading)
    findings: tuple[str, ...]


def build_overview(study: StudyInfo, manifests: list[Manifest], *,
                   files: dict[str, str] | None = None) -> str:
    """The executive overview of a study: the whole ``index.html`` page.

    Parameters
    ----------
    study : StudyInfo
        The study (title, language, client, fieldwork, logo, provenance).
    manifests : list of Manifest
        The reports' manifests, in the study's order.
    files : dict, optional
        The other deliverables the build made: deliverable (``workbook``, ``pdf``,
        ``deck``) -> its file name in the report folder; each is linked by its name in words.

    Returns
    -------
    str
        The page (UTF-8 text) with :data:`~sqmreport.present.page.FONT_FACE` in its
        ``<style>``, for the build to replace with the embedded font.
    """
    lang = study.language
    t = lambda key, **values: text(lang, key, **values)  # noqa: E731
    headlines = [(m, h) for m in manifests for h in m.headlines]
    actions = _actions(lang, manifests)
    cards = [_card(lang, m, h) for m, h in headlines]
    shown = actions[:MAX_ACTIONS]
    reports = [_report(m, with_findings=not (m.headlines or m.actions)) for m in manifests]
    # A study whose reports give no figures and no actions (a questionnaire validation, say)
    # says so once and lists what they found instead.
    plain = [m for m in manifests if not (m.headlines or m.actions)]
    if manifests and not headlines and not actions:
        titles = _join(lang, [m.title for m in plain])
        if not any(m.findings for m in plain):
            instead = t("overview.no_headlines.plain", reports=titles)
        else:
            instead = t(f"overview.no_headlines.{'one' if len(plain) == 1 else 'many'}", reports=titles)
    else:
        instead = ""
    context = {
        "lang_tag": "zh-CN" if lang == "zh" else "en",
        "font_face": FONT_FACE,
        "title": study.title,
        "kicker": t("overview.kicker"),
        "client": study.client,
        "line": _study_line(lang, study, manifests),
        "logo": _logo(study),
        "words": {key: t(f"overview.{key}") for key in
                  ("headlines", "actions", "reports", "files", "findings", "interval_note")},
        "cards": cards,
        "interval_note": any(c.interval for c in cards),
        "actions": shown,
        "more_actions": (t("overview.more_actions", n=len(actions) - len(shown))
                         if len(actions) > len(shown) else ""),
        "no_actions": (t("overview.no_actions") if not actions and _ranked(manifests) else ""),
        "instead": instead,
        "no_reports": "" if manifests else t("overview.no_reports"),
        "reports": reports,
        "files": _files(lang, files or {}),
        "provenance": _provenance(lang, study.provenance),
    }
    return _template().render(**context)


# -- the parts ---------------------------------------------------------------------------------

def _fact(manifests: list[Manifest], key: str):
    """A fact of the study: the first report's that gives it."""
    for m in manifests:
        value = m.facts.get(key)
        if value is not None and value != "":
            return value
    return None


def _study_line(lang: str, study: StudyInfo, manifests: list[Manifest]) -> str:
    """Who answered, when, how many and the response rate, in one sentence."""
    n, invited = _fact(manifests, "n"), _fact(manifests, "invited")
    rate = _fact(manifests, "response_rate")
    who = _fact(manifests, "respondent") or text(lang, "overview.line.who")
    when = _fact(manifests, "fieldwork") or study.fieldwork
    if n is None:
        if not when:
            return ""
        return text(lang, "overview.line.when_only", when=when) + text(lang, "overview.line.end")
    line = text(lang, f"overview.line.{'answered_when' if when else 'answered'}", n=n, who=who, when=when)
    if rate is not None and invited is not None:
        line += text(lang, "overview.line.rate_invited", rate=rate, invited=invited)
    elif rate is not None:
        line += text(lang, "overview.line.rate", rate=rate)
    return line + text(lang, "overview.line.end")


def _href(report: str, section: str = "") -> str:
    """A link into a report page (quoted: a name can never become a scheme or a path)."""
    page = quote(f"{report}.html", safe="._-~")
    return f"{page}#{quote(section, safe='._-~')}" if section else page


def _interval(lang: str, h: Headline) -> str:
    if h.ci_low is None or h.ci_high is None:
        return ""
    return text(lang, "overview.interval", low=format_number(h.ci_low, h.kind),
                high=format_number(h.ci_high, h.kind))


def _card(lang: str, m: Manifest, h: Headline) -> _Card:
    value = format_number(h.value, h.kind)
    written = h.text.strip()
    if written.startswith(value):  # the report's "78.6 (76.3–81.0)": the figure, then its interval
        interval = written[len(value):].strip() or _interval(lang, h)
    elif written:
        value, interval = written, ""
    else:
        interval = _interval(lang, h)
    if h.change_text:
        change = h.change_text
    elif h.change is not None:
        kind = _CHANGE_KINDS.get(h.kind, "gap")
        shown = format_number(h.change * 100 if h.kind == "percent" else h.change, kind)
        if h.kind == "percent":
            shown = text(lang, "overview.change_points", change=shown)
        change = text(lang, "overview.change", change=shown)
    else:
        change = ""
    return _Card(label=h.label, value=value, interval=interval, detail=h.detail, change=change,
                 href=_href(m.report, h.section), more=text(lang, "overview.more", title=m.title))


def _actions(lang: str, manifests: list[Manifest]) -> list[_Action]:
    """The reports' actions by rank, each (item, group) once (the first report's), numbered
    as they are shown."""
    ranked = sorted(((a.rank, i, m, a) for i, m in enumerate(manifests) for a in m.actions),
                    key=lambda x: (x[0], x[1]))
    seen, found = set(), []
    for _, _, m, a in ranked:
        if (a.item, a.group) not in seen:
            seen.add((a.item, a.group))
            found.append((m, a))
    return [_action(lang, rank, m, a) for rank, (m, a) in enumerate(found, start=1)]


def _action(lang: str, rank: int, m: Manifest, a: Action) -> _Action:
    return _Action(rank=rank, item=a.item, text=a.text, href=_href(m.report, a.section),
                   group=text(lang, "overview.group", group=a.group) if a.group else "",
                   evidence=text(lang, "overview.evidence", evidence=a.evidence) if a.evidence else "")


def _ranked(manifests: list[Manifest]) -> bool:
    """Whether a report shows its priority model (a table or figure of its priorities)."""
    return any(entry.section in PRIORITY_SECTIONS
               for m in manifests for entry in (*m.tables, *m.figures))


def _report(m: Manifest, *, with_findings: bool) -> _Report:
    return _Report(title=m.title, href=_href(m.report),
                   sections=tuple((_href(m.report, i), h) for i, h in m.sections),
                   findings=m.findings if with_findings else ())


def _files(lang: str, files: dict[str, str]) -> list[tuple[str, str, str]]:
    """(href, name in words, file name) of each other deliverable, in the order of FILES."""
    order = [*FILES, *sorted(set(files) - set(FILES))]
    shown = []
    for deliverable in order:
        name = files.get(deliverable)
        if not name or deliverable in ("overview", "html") or name == FILES["overview"]:
            continue
        key = f"overview.file_names.{deliverable}"
        words = text(lang, key) if has_text(lang, key) else name
        shown.append((quote(name, safe="._-~"), words, name))
    return shown


def _provenance(lang: str, provenance: dict) -> dict:
    inputs = [(name, digest) for name, digest in provenance.items() if name not in ("sqmreport", "built")]
    return {"title": text(lang, "footer.provenance"), "built_label": text(lang, "footer.built"),
            "built": _when(provenance.get("built")), "inputs_label": text(lang, "footer.inputs"),
            "inputs": inputs,
            "generated": text(lang, "footer.generated", version=provenance["sqmreport"])
            if provenance.get("sqmreport") else ""}


def _when(built) -> str:
    """The build time as the report pages write it (2026-12-03 19:00 UTC)."""
    if not built:
        return ""
    try:
        moment = datetime.fromisoformat(str(built))
    except ValueError:
        return str(built)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _logo(study: StudyInfo) -> str:
    if not study.logo or not study.logo_type.startswith("image/"):
        return ""
    return f"data:{study.logo_type};base64,{base64.b64encode(study.logo).decode()}"


def _join(lang: str, words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return text(lang, "list_sep").join(words[:-1]) + text(lang, "list_and") + words[-1]


@cache
def _template() -> jinja2.Template:
    folder = resources.files("sqmreport.present").joinpath("templates", "sqmreport")
    loader = jinja2.FunctionLoader(lambda name: folder.joinpath(name).read_text(encoding="utf-8"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env.get_template("overview.html.j2")
