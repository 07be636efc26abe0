"""Building a study's reports: papermill runs each notebook, nbconvert exports it.

:func:`build` validates the study before any notebook runs, executes each
report's notebook in a scratch directory, exports self-contained HTML (no code,
no streams, nothing fetched from the network) with a provenance footer, and
moves every file into place atomically: a failed or interrupted build leaves the
previous report as it was.  A report whose inputs, notebook and library are
unchanged is not rebuilt.

Speed: the notebooks run in parallel, each kernel forked from a template process
that imported the libraries while the build checked the data
(:mod:`sqmreport.build.forkserver`), and each starts from the survey the build has
already read and checked (a pickle in a private scratch folder), not from the
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
from sqmreport.present.fonts import font_face
from sqmreport.present.page import FONT_FACE, TOC
from sqmreport.present.i18n import text
from sqmreport._validation import InputError
from sqmreport.data.check import check as check_inputs
from sqmreport.data.study import Study, load_study
from sqmreport.data.survey import SURVEY_CACHE, load_survey

__all__ = ["BuildError", "NOTEBOOKS", "build", "build_studies", "check_parameters"]

PACKAGE = Path(__file__).parents[1]
NOTEBOOKS = PACKAGE / "notebooks"
TEMPLATES = PACKAGE / "present" / "templates"
PARAMETERS = ("study", "tables_dir")
_VERSIONS = ("sqmreport", "numpy", "pandas", "scipy", "matplotlib", "seaborn",
             "factor_analyzer", "papermill", "nbconvert")
_STAMP = ".build.json"
LARGE = 250_000  # respondents from which at most two notebooks (kernels) run at once
_PARTIAL = ".partial"  # a file being written; a build killed at that instant leaves one


def __getattr__(name):
    # Defined lazily: jupyter_client is imported only when a report is built.
    if name == "LocalKernelManager":
        from jupyter_client.manager import AsyncKernelManager

        class LocalKernelManager(AsyncKernelManager):
            """A kernel reached through local socket files, not TCP ports: no port
            clashes between parallel builds, nothing listening on the network.  Its
            own process output (not the cells', which the notebook keeps) is discarded,
            so an interrupted build prints one line, not the kernel's traceback."""

            socket_dir = None  # set per build: each kernel's sockets in its own scratch folder
            extra_env = {}  # set per build: where the checked survey is cached
            template = None  # set per build: a ForkServer to fork the kernel from

            def __init__(self, **kwargs):
                if self.socket_dir:  # concurrent kernels must not pick the same socket files
                    kwargs.setdefault("ip", os.path.join(self.socket_dir, "kernel"))
                super().__init__(transport="ipc", **kwargs)

            async def start_kernel(self, **kwargs):
                import subprocess

                kwargs.setdefault("stdout", subprocess.DEVNULL)
                kwargs.setdefault("stderr", subprocess.DEVNULL)
                # semopy's optimisation path depends on set iteration order: a fixed hash
                # seed makes the same inputs give byte-identical tables.
                kwargs["env"] = {**kwargs.get("env", os.environ), "PYTHONHASHSEED": "0",
                                 **self.extra_env}
                return await super().start_kernel(**kwargs)

            async def _async_launch_kernel(self, kernel_cmd, **kw):
                if self.template is None:
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                import asyncio

                from sqmreport.build.forkserver import ForkedProcess

                env = {k: v for k, v in (kw.get("env") or os.environ).items()}
                cwd = str(kw.get("cwd") or os.getcwd())
                try:
                    pid = await asyncio.to_thread(self.template.spawn, self.connection_file,
                                                  env, cwd)
                except (OSError, RuntimeError):  # the template is gone: start it the usual way
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                provisioner = self.provisioner
                provisioner.process = ForkedProcess(pid)
                provisioner.pid = provisioner.pgid = pid
                provisioner.cwd = cwd
                self._reconcile_connection_info(provisioner.connection_info)

        globals()[name] = LocalKernelManager
        return LocalKernelManager
    raise AttributeError(name)


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
    # The same, absolute: papermill's file handling changes the process's working directory
    # while it reads and writes, to where it was when a build started (maybe an earlier one).
    folder: Path
    wanted: list
    inputs: list
    todo: dict  # report -> (notebook, key)
    stamps: dict
    built: dict = field(default_factory=dict)  # report -> (page, tables)
    rebuilt: list = field(default_factory=list)
    left: int = 0  # notebooks not yet done
    scratch: Path | None = None  # the checked survey, for the kernels
    failure: Exception | None = None

    def results(self) -> list[Built]:
        return [Built(r, self.out / f"{r}.html", r in self.rebuilt) for r in self.wanted]


def _plan(study_path, out, reports, force: bool, notebooks: Path, library: str, log) -> _Plan:
    """Read a study file and find which of its reports are to be (re)built."""
    study = load_study(study_path)
    wanted = reports or study.spec.reports
    unknown = [r for r in wanted if r not in study.spec.reports]
    if unknown:
        raise InputError(f"report {unknown[0]!r} is not among the study's reports "
                         f"({', '.join(study.spec.reports)})", file=study.path.name)
    out = Path(out) if out is not None else Path("reports") / study.name
    inputs = _input_digests(study)
    stamp_path = out.absolute() / _STAMP
    stamps = json.loads(stamp_path.read_text()) if stamp_path.is_file() else {}
    todo = {}
    for report in wanted:
        notebook = notebooks / f"{report}.ipynb"
        if not notebook.is_file():
            raise BuildError(f"notebook {notebook.name} not found in {notebooks.name}/")
        key = _digest(json.dumps({"inputs": inputs, "library": library,
                                  "notebook": _file_digest(notebook)}, sort_keys=True).encode())
        target = out / f"{report}.html"
        if not force and stamps.get(report) == key and target.is_file():
            log(f"{target}: up to date")
        else:
            check_parameters(notebook)
            todo[report] = (notebook, key)
    return _Plan(str(study_path), study, out, out.absolute(), wanted, inputs, todo, stamps)


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
            notebook = plan.todo[report][0]
            plan.built[report] = _in_worker(_build_report, plan.study, report, notebook,
                                            plan.inputs, cache, self.template)
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
    index = _index_page(plan.study, plan.study.spec.reports)
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
        plan.stamps[report] = plan.todo[report][1]
        _write_atomic(out / _STAMP, json.dumps(plan.stamps, indent=1, sort_keys=True).encode())
        plan.rebuilt.append(report)
    _write_atomic(out / "index.html", index.replace(FONT_FACE, face, 1).encode())


def _cache_survey(survey, folder: Path) -> str:
    """Pickle the survey as checked and coded here for the build's kernels, so that each
    report starts from it instead of reading and checking the data again
    (:func:`sqmreport.data.survey.load_survey` takes it when asked for the same study)."""
    path = folder / "survey.pickle"
    with open(path, "wb") as f:
        pickle.dump({"study": str(survey.study.path), "survey": survey}, f,
                    protocol=pickle.HIGHEST_PROTOCOL)
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


def _in_worker(function, *args):
    """Run ``function`` in a worker thread and close the event loop jupyter gives that thread."""
    from jupyter_core.utils import ensure_event_loop

    try:
        return function(*args)
    finally:
        loop = ensure_event_loop()
        if not loop.is_running():
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


def _build_report(study: Study, report: str, notebook: Path, inputs: list,
                  cache: str | None = None, template=None) -> tuple[str, dict]:
    """Execute and export one report: its page (font not yet embedded) and its tables."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from sqmreport.build.render import LocalKernelManager  # defined on first use (module __getattr__)

    # The scratch folder is outside the reports, so that even a killed build leaves
    # nothing there; only the final renames touch the report folder.
    with tempfile.TemporaryDirectory(prefix=f"sqmreport-{report}-") as scratch:
        scratch = Path(scratch).resolve()
        tables = scratch / "tables"
        executed = scratch / notebook.name
        try:
            # No `cwd`: papermill implements it with a process-wide chdir, which is not
            # safe with notebooks running in parallel; every path passed is absolute.
            # The notebook is written once, when done, not after every cell.
            nb = papermill.execute_notebook(
                str(notebook), str(executed), kernel_name="python3",
                parameters={"study": str(study.path), "tables_dir": str(tables)},
                progress_bar=False, log_output=False, report_mode=True,
                request_save_on_cell_execute=False,
                kernel_manager_class=type("ScratchKernelManager", (LocalKernelManager,),
                                          {"socket_dir": str(scratch), "template": template,
                                           "extra_env": {SURVEY_CACHE: cache} if cache else {}}))
        except PapermillExecutionError as exc:
            evalue = _strip_ansi(exc.evalue)
            if exc.ename == "InputError":
                raise InputError(evalue) from None
            raise BuildError(f"{notebook.name}, cell {exc.exec_count}: {exc.ename}: {evalue}") from None
        page = _export_html(nb, study, report, inputs)
        written = sorted(tables.iterdir()) if tables.is_dir() else []
        return page, {table.name: table.read_bytes() for table in written}


def _export_html(nb, study: Study, report: str, inputs: list) -> str:
    from nbconvert.exporters import TemplateExporter

    class PageExporter(TemplateExporter):
        """The page exactly as the template writes it.  (nbconvert's HTMLExporter
        re-parses its output with BeautifulSoup to give JupyterLab's markup alt texts and
        tab stops; the template writes neither that markup nor an image without alt
        text, and the pass costs a third of a second per page.)"""

        output_mimetype = "text/html"
        file_extension = ".html"

    lang = study.language
    exporter = PageExporter(template_name="sqmreport", extra_template_basedirs=[str(TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
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
    return body.replace(TOC, _toc(_headings(nb), text(lang, "toc")), 1)


_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')


def _headings(nb) -> list[tuple[str, str]]:
    """(id, text) of every section heading the notebook displayed, in order."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else markup
            found += [(i, html.unescape(t)) for i, t in _HEADING.findall(markup)]
    return found


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


def _input_digests(study: Study) -> list[tuple[str, str]]:
    """(name relative to the study's folder, SHA-256) of every input file."""
    return [(path.relative_to(study.folder).as_posix(), _file_digest(path))
            for path in study.input_files()]


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
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_PARTIAL, dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp creates 0600; a report is for sharing
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _strip_ansi(value: str) -> str:
    return _ANSI.sub("", value or "")
