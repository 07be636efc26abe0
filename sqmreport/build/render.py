"""Building a study's reports: nbclient runs each notebook, nbconvert exports it.

:func:`build` validates the study before any notebook runs, executes each
report's notebook in a scratch directory (:mod:`sqmreport.build.execute`), exports
self-contained HTML (the displayed HTML and the markdown narrative; no code, no
streams, nothing fetched from the network) with a provenance footer, and moves every
file into place atomically: a failed or interrupted build leaves the previous report
as it was.

Dependencies: each report records in the stamp (``.build.json``) the input files, the
study-file options (:data:`sqmreport.analysis.REPORT_INPUTS`) and the notebook it was
built from, with the library; a report is rebuilt when one of these changed, and the
index page when the study's title, client, language or list of reports did.

Speed: the notebooks run in parallel, each kernel forked from a template process
that imported the libraries while the build checked the data
(:mod:`sqmreport.build.forkserver`, through the kernel provisioner of
:mod:`sqmreport.build.provisioner`), and each starts from the survey the build has
already read and checked (handed to the kernel before the first cell), not from the
raw file.  :func:`build_studies` builds a batch of studies in one process, with one
template for all of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import itertools
import json
import os
import pickle
import queue
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sqmreport import __version__
from sqmreport._clock import now
from sqmreport._validation import InputError
from sqmreport.analysis import REPORT_INPUTS
from sqmreport.data.check import check as check_inputs
from sqmreport.data.study import Data, Study, StudySpec, load_study
from sqmreport.data.survey import load_survey
from sqmreport.present import page as _page
from sqmreport.present.fonts import font_face
from sqmreport.present.i18n import text
from sqmreport.present.page import FONT_FACE, TOC

__all__ = ["BuildError", "NOTEBOOKS", "build", "build_studies", "check_parameters"]

PACKAGE = Path(__file__).parents[1]
NOTEBOOKS = PACKAGE / "notebooks"
TEMPLATES = PACKAGE / "present" / "templates"
PARAMETERS = ("study", "tables_dir")
_VERSIONS = ("sqmreport", "numpy", "pandas", "scipy", "matplotlib", "seaborn",
             "factor_analyzer", "papermill", "nbclient", "nbconvert")
_STAMP = ".build.json"
_STAMP_VERSION = 2
INDEX_OPTIONS = ("title", "client", "language", "reports")  # what the index page shows
LARGE = 250_000  # respondents from which at most two notebooks (kernels) run at once
_PARTIAL = ".partial"  # a file being written; a build killed at that instant leaves one


class BuildError(RuntimeError):
    """A notebook failed for a reason that is not the user's input (a bug or a crash).

    ``study`` is the study file as the build was given it."""

    study = None


@dataclass(frozen=True)
class Built:
    """One report of a build: where it is and whether it was (re)built."""

    report: str
    path: Path
    rebuilt: bool


def build(study_path, *, out=None, reports=None, force: bool = False,
          notebooks: Path = NOTEBOOKS, log=None, jobs: int | None = None,
          template=None) -> list[Built]:
    """Build a study's reports, its tables and its index page.

    Parameters
    ----------
    study_path : str or Path
        The study file.
    out : str or Path, optional
        Folder for this study's reports (default: ``reports/<study name>``).
    reports : list of str, optional
        Which reports (default: the study's ``reports``).
    force : bool
        Rebuild even when nothing changed.
    notebooks : Path
        Where the report notebooks are.
    log : callable, optional
        Called with one line per step.
    jobs : int, optional
        Steps run at once (see :func:`build_studies`).
    template : ForkServer, optional
        Started by the caller as early as it can (``sqmreport build`` does so before
        importing anything heavy) and stopped by it; default: the build starts one when
        it has a report to build (see :mod:`sqmreport.build.forkserver`).

    Returns
    -------
    list of Built
        One per report asked for: its page and whether this build (re)wrote it.

    Raises
    ------
    InputError
        Anything wrong with the study or its data, found before any notebook runs.
    BuildError
        A notebook failed; the message names the notebook, the cell and the error.
        The other reports of the build are still written.
    """
    return build_studies([study_path], out=out, reports=reports, force=force,
                         notebooks=notebooks, log=log, jobs=jobs, template=template)


def build_studies(study_paths, *, out=None, reports=None, force: bool = False,
                  notebooks: Path = NOTEBOOKS, log=None, jobs: int | None = None,
                  template=None) -> list[Built]:
    """Build several studies' reports in one go, as :func:`build` does one's.

    Every study file is read first, and what is up to date is skipped; then each study's
    data is checked, and its notebooks executed and exported, with ``jobs`` of these
    steps at once across all the studies (a study's notebooks go before the next
    study's check).  ``jobs`` defaults to one per core, and at least one per report of
    a study, since a kernel spends part of its time waiting; from :data:`LARGE`
    respondents up at most two notebooks run at once, each kernel holding the whole
    survey.  After the first failure no further study is started; the studies already
    checked are finished, and the failure is raised.
    """
    log = log or (lambda line: None)
    if out is not None and len(study_paths) > 1:
        raise ValueError("out= takes one study")
    library = _library_digest()
    plans = [_plan(path, out, reports, force, notebooks, library, log) for path in study_paths]
    folders = {}
    for plan in plans:
        other = folders.setdefault(plan.folder.resolve(), plan)
        if other is not plan:
            raise InputError(f"{other.source} and {plan.source} both build into {plan.out}/: "
                             "give the studies different names")
    for plan in plans:
        if not plan.todo and plan.index_todo:  # no report to build, only the index page
            plan.folder.mkdir(parents=True, exist_ok=True)
            _write_study(plan)
    waiting = [plan for plan in plans if plan.todo]
    if waiting:
        widest = max(len(plan.todo) for plan in waiting)
        workers = jobs or max(os.cpu_count() or 1, widest)
        with _kernel_template(template) as template:
            failure = _Batch(waiting, workers, log, template).run()
        if failure is not None:
            raise failure
    return [built for plan in plans for built in plan.results()]


@dataclass
class _Plan:
    """One study of a build: the reports to build and, as the build goes, what was built."""

    source: str  # the study file as given
    study: Study
    out: Path  # as given, for messages
    folder: Path  # the same, absolute: the process's working directory is not the build's
    wanted: list
    todo: dict  # report -> (notebook, what it depends on: see `_dependencies`)
    stamps: dict  # as read from the stamp, updated as reports are written
    index_todo: dict | None = None  # what the index page depends on, if it is to be written
    built: dict = field(default_factory=dict)  # report -> (page, tables)
    rebuilt: list = field(default_factory=list)
    left: int = 0  # notebooks not yet done
    scratch: Path | None = None  # the checked survey, for the kernels
    failure: Exception | None = None

    def results(self) -> list[Built]:
        return [Built(r, self.out / f"{r}.html", r in self.rebuilt) for r in self.wanted]


def _plan(study_path, out, reports, force: bool, notebooks: Path, library: str, log) -> _Plan:
    """Read a study file and find which of its reports (and whether its index page) are to
    be (re)built."""
    study = load_study(study_path)
    wanted = reports or study.spec.reports
    unknown = [r for r in wanted if r not in study.spec.reports]
    if unknown:
        raise InputError(f"report {unknown[0]!r} is not among the study's reports "
                         f"({', '.join(study.spec.reports)})", file=study.path.name)
    out = Path(out) if out is not None else Path("reports") / study.name
    files = _input_files(study)
    digests = {key: [(name, _file_digest(path)) for name, path in found]
               for key, found in files.items()}
    options = _options(study.spec)
    stamps = _read_stamps(out.absolute() / _STAMP)
    todo = {}
    for report in wanted:
        notebook = notebooks / f"{report}.ipynb"
        if not notebook.is_file():
            raise BuildError(f"notebook {notebook.name} not found in {notebooks.name}/")
        needs = _dependencies(report, digests, options, notebook, library)
        target = out / f"{report}.html"
        if not force and stamps["reports"].get(report, {}).get("digest") == needs["digest"] \
                and target.is_file():
            log(f"{target}: up to date")
        else:
            check_parameters(notebook)
            todo[report] = (notebook, needs)
    index = {"options": {key: options[key] for key in INDEX_OPTIONS}, "library": library}
    index["digest"] = _digest(json.dumps(index, sort_keys=True).encode())
    index_todo = None
    if force or stamps["index"].get("digest") != index["digest"] \
            or not (out / "index.html").is_file():
        index_todo = index
    return _Plan(str(study_path), study, out, out.absolute(), wanted, todo, stamps, index_todo)


def _read_stamps(path: Path) -> dict:
    """The stamp of a study's reports; an unreadable or older one counts as none."""
    try:
        stamps = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    if not isinstance(stamps, dict) or stamps.get("version") != _STAMP_VERSION:
        stamps = {}
    return {"version": _STAMP_VERSION, "reports": dict(stamps.get("reports", {})),
            "index": dict(stamps.get("index", {}))}


def _dependencies(report: str, digests: dict, options: dict, notebook: Path,
                  library: str) -> dict:
    """What ``report`` is built from: its input files (name and SHA-256), its study-file
    options (each option's value as a digest), its notebook and the library, with one
    digest of all of them."""
    declared = REPORT_INPUTS.get(report)
    if declared is None:  # a report nobody declared: everything counts
        data, wanted = list(digests), list(options)
    else:
        data = [*declared["data"], *_undeclared(digests, "data")]
        wanted = [*declared["options"], *_undeclared(options, "options")]
    wanted += [f"data.{key}" for key in data]  # how a file is read: format, encoding, ...
    inputs = dict(digests["study"])
    for key in dict.fromkeys(data):
        inputs.update(digests.get(key, []))
    if "logo" in wanted:
        inputs.update(digests.get("logo", []))
    needs = {
        "inputs": inputs,
        "options": {key: _digest(json.dumps(options[key], sort_keys=True).encode())
                    for key in sorted(set(wanted)) if key in options},
        "notebook": {notebook.name: _file_digest(notebook)},
        "library": library,
    }
    # The study file itself is listed (the footer shows it) but not part of the digest:
    # what the report reads of it are its options.
    counted = {**needs, "inputs": {k: v for k, v in inputs.items()
                                   if (k, v) not in digests["study"]}}
    needs["digest"] = _digest(json.dumps(counted, sort_keys=True).encode())
    return needs


def _undeclared(found: dict, kind: str) -> list:
    """Keys no report declares in :data:`REPORT_INPUTS`: they count for every report."""
    declared = {key for inputs in REPORT_INPUTS.values() for key in inputs[kind]}
    special = {"study", "logo"} if kind == "data" else set()
    return [key for key in found if key not in declared and key not in special
            and not key.startswith("data.")]


def _options(spec: StudySpec) -> dict:
    """The study file's options by key: each top-level key, and each key of ``analysis``
    and ``data`` as ``analysis.<key>`` and ``data.<key>``."""
    values = spec.model_dump(mode="json")
    options = {key: value for key, value in values.items() if key not in ("data", "analysis")}
    for section in ("analysis", "data"):
        options.update({f"{section}.{key}": value for key, value in values[section].items()})
    return options


def _input_files(study: Study) -> dict:
    """{key: [(name relative to the study's folder, path)]} of the files the study reads:
    ``study`` (the study file), each key of its ``data`` section, ``waves`` (the earlier
    waves' files) and ``logo``."""
    def named(path: Path) -> tuple[str, Path]:
        try:
            return path.relative_to(study.folder).as_posix(), path
        except ValueError:
            return path.as_posix(), path

    files = {"study": [named(study.path)]}
    for key in Data.model_fields:
        entry = study.data_file(key)
        if entry is not None:
            files[key] = [named(study.resolve(entry.path))]
    files["waves"] = []
    for wave in study.spec.waves:
        entry = study.wave_file(wave)
        files["waves"].append(named(study.resolve(getattr(entry, "path", entry))))
    if study.spec.logo:
        files["logo"] = [named(study.resolve(study.spec.logo))]
    return files


class _Batch:
    """The steps of a build on ``workers`` threads.

    A study's check (reading and checking its data, and caching the survey for its
    kernels) puts its notebooks on the queue, then the next study's check behind them: a
    free worker takes a notebook before a check, so at most one checked study waits for
    its notebooks to start.  Each kernel is a process of its own, so threads are enough
    to keep the cores busy.  The worker that finishes a study's last notebook writes the
    study's files.
    """

    def __init__(self, plans: list, workers: int, log, template):
        self.plans, self.workers, self.log, self.template = list(plans), workers, log, template
        self.failure = None
        self.stopped = False  # interrupted: write nothing more
        self._queue = queue.PriorityQueue()
        self._order = itertools.count()
        self._lock = threading.Condition()
        self._open = 0  # steps queued or running
        self._kernels, self._kernel_limit = 0, workers
        self._checked = []
        self._started = time.monotonic()

    def run(self):
        """Run every step; return the first failure (or None)."""
        threads = [threading.Thread(target=self._work, daemon=True) for _ in range(self.workers)]
        self._put(1, self._check, self.plans.pop(0))
        for thread in threads:
            thread.start()
        try:
            with self._lock:
                while self._open:
                    self._lock.wait(0.2)  # with a timeout, so that Ctrl-C gets through
        except BaseException:
            # Interrupted: nothing more is started or written.
            with self._lock:
                self.stopped = True
                self.plans.clear()
            if self.template is not None:
                self.template.close()  # its kernels stop within a second
            raise
        finally:
            for _ in threads:
                self._queue.put((2, next(self._order), None))
            for thread in threads:
                thread.join()
            for plan in self._checked:
                shutil.rmtree(plan.scratch, ignore_errors=True)
        return self.failure

    def _put(self, priority: int, step, *args) -> None:
        with self._lock:
            self._open += 1
        self._queue.put((priority, next(self._order), (step, args)))

    def _work(self) -> None:
        while True:
            _, _, item = self._queue.get()
            if item is None:
                return
            step, args = item
            try:
                if not self.stopped:
                    step(*args)
            except Exception as exc:
                with self._lock:
                    self.failure = self.failure or exc
                    self.plans.clear()  # nothing new after a failure
            finally:
                with self._lock:
                    self._open -= 1
                    self._lock.notify_all()

    def _check(self, plan: _Plan) -> None:
        """Check a study's data before any of its notebooks runs; queue them."""
        survey = load_survey(plan.study)
        check_inputs(plan.study)
        self.log(f"{plan.study.path.name}: data checked ({survey.n:,} respondents)")
        if survey.n >= LARGE:
            with self._lock:
                self._kernel_limit = min(self._kernel_limit, 2)
                # Nor the template beside them, if no kernel of it runs: the time it saves
                # is small next to the analysis of a survey this size.
                if self.template is not None and not self._kernels:
                    self.template.close()
        plan.folder.mkdir(parents=True, exist_ok=True)
        _sweep_partial_files(plan.folder)
        plan.scratch = Path(tempfile.mkdtemp(prefix="sqmreport-survey-"))
        self._checked.append(plan)
        cache = _cache_survey(survey, plan.scratch)
        del survey  # the kernels read the cache; this process needs the data no more
        plan.left = len(plan.todo)
        for report in plan.todo:
            self.log(f"{plan.out / (report + '.html')}: building")
            self._put(0, self._notebook, plan, report, cache)
        with self._lock:
            following = self.plans.pop(0) if self.plans else None
        if following is not None:
            self._put(1, self._check, following)

    def _notebook(self, plan: _Plan, report: str, cache: str) -> None:
        """Execute and export one report; the study's last one writes the study's files."""
        with self._lock:
            while self._kernels >= self._kernel_limit:
                self._lock.wait()
            self._kernels += 1
        try:
            notebook, needs = plan.todo[report]
            page, tables, warnings = _build_report(plan.study, report, notebook,
                                                   needs["inputs"], cache, self.template)
            plan.built[report] = page, tables
            for warning in warnings:
                self.log(f"warning: {plan.source}: {warning}")
            self.log(f"{plan.out / (report + '.html')}: executed and exported "
                     f"({time.monotonic() - self._started:.1f} s)")
        except Exception as exc:
            plan.failure = plan.failure or exc
        finally:
            with self._lock:
                self._kernels -= 1
                plan.left -= 1
                last = plan.left == 0
                self._lock.notify_all()
        if last:
            shutil.rmtree(plan.scratch, ignore_errors=True)  # a batch's surveys add up
        if last and not self.stopped:
            try:
                _write_study(plan)
            except BuildError as exc:
                plan.failure = plan.failure or exc
            if plan.failure is not None:
                if isinstance(plan.failure, BuildError):
                    plan.failure.study = plan.source
                raise plan.failure


def _write_study(plan: _Plan) -> None:
    """Write the built reports, their tables, the stamps and the index page, each atomically."""
    out, pages = plan.folder, {r: page for r, (page, _) in plan.built.items()}
    index = _index_page(plan.study, plan.study.spec.reports) if plan.index_todo else ""
    # One font subset for every page of the study: it is the slow part of embedding.
    characters = {c for c in set().union(*map(set, [index, *pages.values()])) if ord(c) > 0x7F}
    face = font_face("".join(characters))
    written = {}
    for report in plan.todo:  # in the study's order
        if report not in plan.built:
            continue
        page, tables = plan.built[report]
        for name, data in tables.items():
            if written.setdefault(name, report) != report:
                raise BuildError(f"{report} and {written[name]} both write tables/{name}; "
                                 "give one of them another name")
            (out / "tables").mkdir(exist_ok=True)
            _write_atomic(out / "tables" / name, data)
        _write_atomic(out / f"{report}.html", page.replace(FONT_FACE, face, 1).encode("utf-8"))
        plan.stamps["reports"][report] = plan.todo[report][1]
        _write_stamps(plan)
        plan.rebuilt.append(report)
    if plan.index_todo:
        _write_atomic(out / "index.html", index.replace(FONT_FACE, face, 1).encode())
        plan.stamps["index"] = plan.index_todo
        _write_stamps(plan)


def _write_stamps(plan: _Plan) -> None:
    _write_atomic(plan.folder / _STAMP,
                  json.dumps(plan.stamps, indent=1, sort_keys=True, ensure_ascii=False).encode())


def _cache_survey(survey, folder: Path) -> str:
    """Pickle the survey as checked and coded here for the build's kernels, so that each
    report starts from it instead of reading and checking the data again (each kernel
    hands it to :func:`sqmreport.data.survey.remember` before the notebook runs)."""
    path = folder / "survey.pickle"
    with open(path, "wb") as f:
        pickle.dump(survey, f, protocol=pickle.HIGHEST_PROTOCOL)
    return str(path)


@contextlib.contextmanager
def _kernel_template(given=None):
    """The :class:`~sqmreport.build.forkserver.ForkServer` the build's kernels are forked from:
    ``given`` (the caller's; the caller stops it), else one started and stopped here; None
    where fork is not available."""
    from sqmreport.build import forkserver as _forkserver

    if given is not None:
        yield given
        return
    server = _forkserver.start()
    try:
        yield server
    finally:
        if server is not None:
            server.close()


def check_parameters(notebook: Path) -> None:
    """The notebook must declare exactly the parameters the build passes.

    papermill only warns about a parameter the notebook does not declare; a
    report built with a parameter silently ignored is wrong, so both an
    unknown and a missing parameter are errors here.
    """
    from papermill.inspection import inspect_notebook

    declared = set(inspect_notebook(str(notebook)))
    if not declared:
        raise BuildError(f"{notebook.name} has no cell tagged 'parameters'")
    missing, unknown = declared - set(PARAMETERS), set(PARAMETERS) - declared
    if missing or unknown:
        parts = []
        if unknown:
            parts.append(f"does not declare {', '.join(sorted(unknown))}")
        if missing:
            parts.append(f"declares {', '.join(sorted(missing))}, which the build does not pass")
        raise BuildError(f"{notebook.name}: its parameters cell {' and '.join(parts)} "
                         f"(expected: {', '.join(PARAMETERS)})")


def _build_report(study: Study, report: str, notebook: Path, inputs: dict,
                  cache: str | None = None, template=None) -> tuple[str, dict, list]:
    """Execute and export one report: its page (font not yet embedded), its tables and the
    warnings about output that does not reach the page."""
    from sqmreport.build.execute import CellFailed, KernelDied, execute
    from sqmreport.build.provisioner import KERNEL_NAME, kernel_specs

    # The scratch folder is outside the reports, so that even a killed build leaves
    # nothing there; only the final renames touch the report folder.
    with tempfile.TemporaryDirectory(prefix=f"sqmreport-{report}-") as scratch:
        scratch = Path(scratch).resolve()
        tables = scratch / "tables"
        # semopy's optimisation path depends on set iteration order: a fixed hash seed
        # makes the same inputs give byte-identical tables.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        try:
            done = execute(notebook, {"study": str(study.path), "tables_dir": str(tables)},
                           scratch=scratch, specs=kernel_specs(template),
                           kernel_name=KERNEL_NAME, survey=cache, env=env)
        except CellFailed as exc:
            evalue = _strip_ansi(exc.evalue)
            if exc.ename == "InputError":
                raise InputError(evalue) from None
            raise BuildError(f"{notebook.name}, cell {exc.cell}: {exc.ename}: {evalue}") from None
        except KernelDied as exc:
            raise BuildError(f"{notebook.name}{', ' if exc.cell else ': '}{exc}") from None
        page = _export_html(done.nb, study, report, sorted(inputs.items()))
        written = sorted(tables.iterdir()) if tables.is_dir() else []
        return page, {table.name: table.read_bytes() for table in written}, done.warnings


def _export_html(nb, study: Study, report: str, inputs: list) -> str:
    from nbconvert.exporters import TemplateExporter
    from traitlets.config import Config

    class PageExporter(TemplateExporter):
        """The page exactly as the template writes it.  (nbconvert's HTMLExporter
        re-parses its output with BeautifulSoup to give JupyterLab's markup alt texts and
        tab stops; the template writes neither that markup nor an image without alt
        text, and the pass costs a third of a second per page.)"""

        output_mimetype = "text/html"
        file_extension = ".html"

    lang = study.language
    # Jupyter Book's tags: `remove-cell` hides a cell (researchers' notes), `remove-output`
    # a cell's output; inputs are never shown.
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = ["remove-cell"]
    config.TagRemovePreprocessor.remove_all_outputs_tags = ["remove-output"]
    config.TagRemovePreprocessor.remove_input_tags = ["remove-input"]
    exporter = PageExporter(config=config, template_name="sqmreport",
                            extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    exporter.register_filter("narrative", _Narrative(lang))
    resources = {"sqm": {
        "lang_tag": "zh-CN" if lang == "zh" else "en",
        "title": f"{study.spec.title} · {text(lang, f'reports.{report}')}",
        "version": __version__,
        "built": now().strftime("%Y-%m-%d %H:%M UTC"),
        "inputs": inputs,
        "parameters": [("study", study.path.name), ("report", report)],
        "versions": _versions(),
        "labels": {k: text(lang, f"footer.{k}", version=__version__)
                   for k in ("provenance", "inputs", "parameters", "versions", "built",
                             "generated")},
    }}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _move_findings(body)
    return body.replace(TOC, _toc(_headings(body), text(lang, "toc")), 1)


class _Narrative:
    """The ``narrative`` filter of the template: a markdown cell as HTML, or "" when it is
    for the other language (tagged ``lang-zh`` or ``lang-en``).

    Raw HTML in the markdown is shown as text, never run (no script reaches a page), and
    links with a harmful scheme (``javascript:``) are dropped.  Headings: ``#`` and ``##``
    become section headings (``<h2>`` with an id, listed in the table of contents like the
    sections the notebook shows), ``###`` and below stay subheadings."""

    def __init__(self, language: str):
        import mistune

        class Renderer(mistune.HTMLRenderer):
            def heading(renderer, text: str, level: int, **attrs) -> str:
                level = max(level, 2)
                if level > 2:
                    return f"<h{level}>{text}</h{level}>\n"
                return f'<h2 id="{self._id(text)}">{text}</h2>\n'

        self.language = language
        self.ids = set()
        self.markdown = mistune.create_markdown(renderer=Renderer(escape=True),
                                                plugins=["strikethrough", "table"])

    def __call__(self, cell) -> str:
        tags = cell.get("metadata", {}).get("tags", [])
        languages = {tag[len("lang-"):] for tag in tags if tag.startswith("lang-")}
        if languages and self.language not in languages:
            return ""
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if not source.strip():
            return ""
        return f'<div class="narrative">\n{self.markdown(source)}</div>'

    def _id(self, heading: str) -> str:
        words = html.unescape(re.sub(r"<[^>]+>", "", heading)).lower()
        base = "note-" + (re.sub(r"[^\w]+", "-", words).strip("-") or "section")
        found, n = base, 1
        while found in self.ids:
            n += 1
            found = f"{base}-{n}"
        self.ids.add(found)
        return found


def _move_findings(body: str) -> str:
    """Put the key findings (displayed by the notebook's last cell, between the page's
    findings markers) where the title block asked for them, so that they read first."""
    begin, end = getattr(_page, "FINDINGS_BEGIN", None), getattr(_page, "FINDINGS_END", None)
    marker = getattr(_page, "FINDINGS", None)
    if not (begin and end and marker) or marker not in body:
        return body
    start = body.find(begin)
    stop = body.find(end, start)
    if start < 0 or stop < 0:
        return body.replace(marker, "", 1)
    block = body[start + len(begin):stop]
    body = body[:start] + body[stop + len(end):]
    return body.replace(marker, block, 1)


_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)


def _headings(body: str) -> list[tuple[str, str]]:
    """(id, text) of every section heading of the page (sections the notebook displayed and
    headings of its narrative), in order; the provenance footer is not one."""
    main = body.split('<footer class="provenance">', 1)[0]
    return [(i, html.unescape(re.sub(r"<[^>]+>", "", t)).strip())
            for i, t in _HEADING.findall(main)]


def _toc(headings: list, title: str) -> str:
    if not headings:
        return ""
    items = "".join(f'<li><a href="#{html.escape(i)}">{html.escape(t)}</a></li>' for i, t in headings)
    return (f'<nav class="toc" aria-label="{html.escape(title)}"><p>{html.escape(title)}</p>'
            f"<ol>{items}</ol></nav>")


def _index_page(study: Study, reports: list) -> str:
    lang = study.language
    css = (TEMPLATES / "sqmreport" / "report.css").read_text(encoding="utf-8")
    links = "".join(f'<li><a href="{r}.html">{html.escape(text(lang, f"reports.{r}"))}</a></li>'
                    for r in reports)
    client = f"<p>{html.escape(study.spec.client)}</p>" if study.spec.client else ""
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>'
            f'<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(study.spec.title)}</title><style>{FONT_FACE}\n{css}</style>"
            f"</head>\n<body><main>"
            f'<header class="title-block"><p class="kicker">{html.escape(text(lang, "reports.index"))}</p>'
            f"<h1>{html.escape(study.spec.title)}</h1>{client}</header>"
            f'<ul class="report-list">{links}</ul></main></body>\n</html>\n')


def _versions() -> list[tuple[str, str]]:
    found = []
    for name in _VERSIONS:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return found


def _library_digest() -> str:
    parts = sorted(p for p in PACKAGE.rglob("*")
                   if p.suffix in {".py", ".yml", ".j2", ".css", ".json"} and p.is_file())
    h = hashlib.sha256()
    for p in parts:
        h.update(p.relative_to(PACKAGE).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sweep_partial_files(out: Path) -> None:
    """Remove what a build killed in the middle of a write left behind."""
    for leftover in [*out.glob(f".*{_PARTIAL}"), *out.glob(f"tables/.*{_PARTIAL}")]:
        leftover.unlink(missing_ok=True)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    The temporary file is created with mode 0666 less the process's umask, as any file
    is (a report is for sharing; ``mkstemp``'s 0600 would not be)."""
    fd, tmp = _create_partial(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _create_partial(path: Path) -> tuple[int, str]:
    """A new file beside ``path`` (``.<name>.<random>.partial``), open for writing."""
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{os.urandom(6).hex()}{_PARTIAL}")
        try:
            return os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _strip_ansi(value: str) -> str:
    return _ANSI.sub("", value or "")
