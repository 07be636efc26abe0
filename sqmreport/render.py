"""Building a study's reports: papermill runs each notebook, nbconvert exports it.

:func:`build` validates the study before any notebook runs, executes each
report's notebook in a scratch directory, exports self-contained HTML (no code,
no streams, nothing fetched from the network) with a provenance footer, and
moves every file into place atomically: a failed or interrupted build leaves the
previous report as it was.  A report whose inputs, notebook and library are
unchanged is not rebuilt.

Speed: the notebooks run in parallel, each kernel forked from a template process
that imported the libraries while the build checked the data
(:mod:`sqmreport._forkserver`), and each starts from the survey the build has
already read and checked (a pickle in a private scratch folder), not from the
raw file.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import pickle
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import __version__
from ._clock import now
from ._fonts import font_face
from ._page import FONT_FACE, TOC
from ._i18n import text
from ._validation import InputError
from . import records
from .study import Study, load_study
from .survey import SURVEY_CACHE, load_survey

__all__ = ["BuildError", "NOTEBOOKS", "build", "check_parameters"]

PACKAGE = Path(__file__).parent
NOTEBOOKS = PACKAGE.parent / "notebooks"
TEMPLATES = PACKAGE / "templates"
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

                from ._forkserver import ForkedProcess

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
    """A notebook failed for a reason that is not the user's input (a bug or a crash)."""


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
        Notebooks executed at once.  Default: all of them (a kernel spends much of
        its time starting and waiting, so even on 2 cores three at once is fastest),
        but at most two from :data:`LARGE` respondents up, since each kernel holds
        the whole survey in memory.
    template : ForkServer, optional
        Started by the caller as early as it can (``sqmreport build`` does so before
        importing anything heavy) and stopped by it, or here for a study of
        :data:`LARGE` size; default: the build starts one when it has a report to build
        (see :mod:`sqmreport._forkserver`).

    Raises
    ------
    InputError
        Anything wrong with the study or its data, found before any notebook runs.
    BuildError
        A notebook failed; the message names the notebook, the cell and the error.
        The other reports of the build are still written.
    """
    log = log or (lambda line: None)
    study = load_study(study_path)
    wanted = reports or study.spec.reports
    unknown = [r for r in wanted if r not in study.spec.reports]
    if unknown:
        raise InputError(f"report {unknown[0]!r} is not among the study's reports "
                         f"({', '.join(study.spec.reports)})", file=study.path.name)
    out = Path(out) if out is not None else Path("reports") / study.name

    inputs = _input_digests(study)
    stamp_path = out / _STAMP
    stamps = json.loads(stamp_path.read_text()) if stamp_path.is_file() else {}
    library = _library_digest()
    results, todo = [], {}
    for report in wanted:
        notebook = notebooks / f"{report}.ipynb"
        if not notebook.is_file():
            raise BuildError(f"notebook {notebook.name} not found in {notebooks.name}/")
        check_parameters(notebook)
        key = _digest(json.dumps({"inputs": inputs, "library": library,
                                  "notebook": _file_digest(notebook)}, sort_keys=True).encode())
        target = out / f"{report}.html"
        if not force and stamps.get(report) == key and target.is_file():
            log(f"{target}: up to date")
            results.append(Built(report, target, False))
        else:
            todo[report] = (notebook, key)

    # The kernels' template imports the libraries while this process checks the data.
    with _kernel_template(bool(todo), template) as template:
        survey = load_survey(study)  # validate everything before any notebook runs
        records.check(study)
        respondents = survey.n
        log(f"{study.path.name}: data checked ({respondents:,} respondents)")
        if respondents >= LARGE:
            # Each kernel holds the whole survey: fewer at once, and no template beside them
            # (the time it saves is small next to the analysis of a survey this size).
            jobs = jobs or 2
            if template is not None:
                template.close()
                template = None
        out.mkdir(parents=True, exist_ok=True)
        _sweep_partial_files(out)
        with _scratch_folder() as folder:
            cache = _cache_survey(survey, folder) if todo else None
            del survey  # the kernels read the cache; this process needs the data no more
            built, failure = _execute_all(study, todo, inputs, jobs, log, out, cache, template)
    pages = {r: page for r, (page, _) in built.items()}
    index = _index_page(study, study.spec.reports)
    # One font subset for every page of the build: it is the slow part of embedding.
    characters = {c for c in set().union(*map(set, [index, *pages.values()])) if ord(c) > 0x7F}
    face = font_face("".join(characters))
    written = {}
    for report, (page, tables) in built.items():
        for name, data in tables.items():
            if written.setdefault(name, report) != report:
                raise BuildError(f"{report} and {written[name]} both write tables/{name}; "
                                 "give one of them another name")
            (out / "tables").mkdir(exist_ok=True)
            _write_atomic(out / "tables" / name, data)
        _write_atomic(out / f"{report}.html", page.replace(FONT_FACE, face, 1).encode("utf-8"))
        stamps[report] = todo[report][1]
        _write_atomic(stamp_path, json.dumps(stamps, indent=1, sort_keys=True).encode())
        results.append(Built(report, out / f"{report}.html", True))
    _write_atomic(out / "index.html", index.replace(FONT_FACE, face, 1).encode())
    if failure is not None:
        raise failure
    order = {r: i for i, r in enumerate(wanted)}
    return sorted(results, key=lambda b: order[b.report])


@contextlib.contextmanager
def _scratch_folder():
    """A private folder removed with the build, whatever happens."""
    folder = Path(tempfile.mkdtemp(prefix="sqmreport-survey-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _cache_survey(survey, folder: Path) -> str:
    """Pickle the survey as checked and coded here for the build's kernels, so that each
    report starts from it instead of reading and checking the data again
    (:func:`sqmreport.survey.load_survey` takes it when asked for the same study)."""
    path = folder / "survey.pickle"
    with open(path, "wb") as f:
        pickle.dump({"study": str(survey.study.path), "survey": survey}, f,
                    protocol=pickle.HIGHEST_PROTOCOL)
    return str(path)


@contextlib.contextmanager
def _kernel_template(wanted: bool, given=None):
    """The :class:`~sqmreport._forkserver.ForkServer` the build's kernels are forked from:
    ``given`` (the caller's; the caller stops it), else one started and stopped here; None
    where fork is not available or nothing is to be built."""
    from . import _forkserver

    if given is not None or not wanted:
        yield given if wanted else None
        return
    server = _forkserver.start()
    try:
        yield server
    finally:
        if server is not None:
            server.close()


def _execute_all(study: Study, todo: dict, inputs: list, jobs: int | None, log, out: Path,
                 cache: str | None = None, template=None):
    """Execute and export the reports, several at once; return the pages and the first failure.

    Each kernel is a process of its own, so threads are enough to keep the cores busy.
    """
    from concurrent.futures import ThreadPoolExecutor

    built, failure = {}, None
    workers = max(1, min(jobs or len(todo), len(todo)) if todo else 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures, started = {}, time.monotonic()
        for report, (notebook, _) in todo.items():
            log(f"{out / (report + '.html')}: building")
            futures[report] = pool.submit(_in_worker, _build_report, study, report, notebook, inputs,
                                          cache, template)
        for report, future in futures.items():
            try:
                built[report] = future.result()
            except (BuildError, InputError) as exc:
                failure = failure or exc
            else:
                log(f"{out / (report + '.html')}: executed and exported "
                    f"({time.monotonic() - started:.1f} s)")
    return built, failure


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
    """Run ``function`` in a pool thread and close the event loop jupyter gives that thread."""
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

    from .render import LocalKernelManager  # defined on first use (module __getattr__)

    # The scratch folder is outside the reports, so that even a killed build leaves
    # nothing there; only the final renames touch the report folder.
    with tempfile.TemporaryDirectory(prefix=f"sqmreport-{report}-") as scratch:
        scratch = Path(scratch).resolve()
        tables = scratch / "tables"
        executed = scratch / notebook.name
        try:
            # No `cwd`: papermill implements it with a process-wide chdir, which is not
            # safe with notebooks running in parallel; every path passed is absolute.
            papermill.execute_notebook(
                str(notebook), str(executed), kernel_name="python3",
                parameters={"study": str(study.path), "tables_dir": str(tables)},
                progress_bar=False, log_output=False, report_mode=True,
                kernel_manager_class=type("ScratchKernelManager", (LocalKernelManager,),
                                          {"socket_dir": str(scratch), "template": template,
                                           "extra_env": {SURVEY_CACHE: cache} if cache else {}}))
        except PapermillExecutionError as exc:
            evalue = _strip_ansi(exc.evalue)
            if exc.ename == "InputError":
                raise InputError(evalue) from None
            raise BuildError(f"{notebook.name}, cell {exc.exec_count}: {exc.ename}: {evalue}") from None
        page = _export_html(executed, study, report, inputs)
        written = sorted(tables.iterdir()) if tables.is_dir() else []
        return page, {table.name: table.read_bytes() for table in written}


def _export_html(executed: Path, study: Study, report: str, inputs: list) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    lang = study.language
    exporter = HTMLExporter(template_name="sqmreport", extra_template_basedirs=[str(TEMPLATES)],
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
