"""Building a study's reports: nbclient runs each notebook, nbconvert exports it.

:func:`build` validates the study before any notebook runs, executes each
report's notebook in a scratch directory (:mod:`sqmreport.build.execute`), exports
self-contained HTML (the displayed HTML and the markdown narrative; no code, no
streams, nothing fetched from the network) with a provenance footer, and replaces the
study's report folder as a whole (:mod:`sqmreport.build.output`): the new set of pages,
tables, manifests, deliverables (:mod:`sqmreport.present.deliverables`) and stamp is
written beside the folder and switched in with one atomic rename, so that a reader sees
all the old reports or all the new ones; a failed,
interrupted or killed build, or a full disk, leaves the previous folder as it was (at a
first build: no folder).  A report or table the study no longer makes is not in the new
set.  The folder is locked for the build (a second build into it stops with one line),
and must not contain, nor lie inside, any of the study's inputs.

Scratch: everything written outside the report folder (the pickled survey, the kernels'
sockets and logs, the notebooks' tables) is in one private folder per build in the
temporary directory (:mod:`sqmreport.build.scratch`), removed when the build ends and
swept by the next build if it was killed.

Dependencies: each report records in the stamp (``.build.json``) the input files, the
study-file options (:data:`sqmreport.analysis.REPORT_INPUTS`) and the notebook it was
built from, with the library; a report is rebuilt when one of these changed.  Each
deliverable (the overview, the workbook, the PDF, the deck) is made from every report of
the set, and remade when one of them is, or when what it shows of the study file
(:data:`INDEX_OPTIONS`, the logo) changed.  A report or deliverable that did not change is
carried into the new set as it is (a hard link to the old file).

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
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from sqmreport import __version__
from sqmreport._clock import now
from sqmreport._validation import InputError
from sqmreport.analysis import BUILD_OPTIONS, REPORT_INPUTS
from sqmreport.build import scratch as _scratch
from sqmreport.build.output import STAMP as _STAMP
from sqmreport.build.output import Output, OutputError, Stopped, check_apart
from sqmreport.data import inputs as _inputs
from sqmreport.data.check import check as check_inputs
from sqmreport.data.study import DELIVERABLES as StudyDeliverables
from sqmreport.data.study import Data, Study, StudySpec, load_study
from sqmreport.data.survey import load_survey
from sqmreport.present import manifest as _manifest
from sqmreport.present import page as _page
from sqmreport.present.deliverables import FILES, StudyInfo
from sqmreport.present.fonts import font_face
from sqmreport.present.i18n import text
from sqmreport.present.page import FONT_FACE, TOC

__all__ = ["BuildError", "Interrupted", "NOTEBOOKS", "OutputError", "build", "build_studies",
           "check_parameters"]

PACKAGE = Path(__file__).parents[1]
NOTEBOOKS = PACKAGE / "notebooks"
TEMPLATES = PACKAGE / "present" / "templates"
PARAMETERS = ("study", "tables_dir")
_VERSIONS = ("sqmreport", "numpy", "pandas", "scipy", "matplotlib", "seaborn",
             "factor_analyzer", "papermill", "nbclient", "nbconvert")
_STAMP_VERSION = 4  # 4: each report's manifest, and each deliverable's digest
# What the deliverables show of the study file besides the reports (the overview, the
# workbook, the PDF and the deck are remade when one of these changes).
INDEX_OPTIONS = ("title", "client", "fieldwork", "language", "reports", "respondent", "logo")
DELIVERABLES = ("overview", "workbook", "pdf", "deck")  # in the order they are made
LARGE = 250_000  # respondents from which at most two notebooks (kernels) run at once


class BuildError(RuntimeError):
    """A notebook failed for a reason that is not the user's input (a bug or a crash).

    ``study`` is the study file as the build was given it."""

    study = None


class Interrupted(KeyboardInterrupt):
    """The build was interrupted (Ctrl-C, SIGTERM); ``outcome`` says, in words, what each
    report folder holds now: the previous reports or the new ones."""

    def __init__(self, outcome: str):
        super().__init__(outcome)
        self.outcome = outcome


@dataclass(frozen=True)
class Built:
    """One report of a build: where it is and whether it was (re)built."""

    report: str
    path: Path
    rebuilt: bool


def build(study_path, *, out=None, reports=None, force: bool = False,
          notebooks: Path = NOTEBOOKS, log=None, jobs: int | None = None,
          template=None, deliverables=()) -> list[Built]:
    """Build a study's reports, its tables, its overview and the deliverables it asks for.

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
    deliverables : sequence of str
        Deliverables to make besides the study's own ``deliverables`` (``workbook``,
        ``pdf``, ``deck``; ``all`` for every one).

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
        The study's report folder is left as it was (all its reports or none are new).
    OutputError
        The report folder cannot be used (a file, read-only, holding files sqmreport did
        not write, containing an input, another build writing it) or written (a full
        disk); it is left as it was.
    Interrupted
        Ctrl-C or SIGTERM; its ``outcome`` says whether the folder holds the previous
        reports or the new ones.
    """
    return build_studies([study_path], out=out, reports=reports, force=force,
                         notebooks=notebooks, log=log, jobs=jobs, template=template,
                         deliverables=deliverables)


def build_studies(study_paths, *, out=None, reports=None, force: bool = False,
                  notebooks: Path = NOTEBOOKS, log=None, jobs: int | None = None,
                  template=None, deliverables=()) -> list[Built]:
    """Build several studies' reports in one go, as :func:`build` does one's.

    Every study file is read first, and what is up to date is skipped; then each study's
    data is checked, and its notebooks executed and exported, with ``jobs`` of these
    steps at once across all the studies (a study's notebooks go before the next
    study's check).  ``jobs`` defaults to one per core, and at least one per report of
    a study, since a kernel spends part of its time waiting; from :data:`LARGE`
    respondents up at most two notebooks run at once, each kernel holding the whole
    survey.  After the first failure no further study is started; the studies already
    checked are finished, and the failure is raised.

    Each study's report folder is replaced as a whole, or not at all
    (:mod:`sqmreport.build.output`): a study whose notebook failed keeps its previous
    reports.  An interrupt (Ctrl-C; SIGTERM through the command line) raises
    :class:`Interrupted`, whose ``outcome`` says what each folder holds; a second
    interrupt while the build cleans up is ignored.
    """
    log = log or (lambda line: None)
    if out is not None and len(study_paths) > 1:
        raise ValueError("out= takes one study")
    extra = _deliverables_asked(deliverables)
    library = _library_digest()
    plans = []
    try:
        for path in study_paths:
            plans.append(_plan(path, out, reports, notebooks, library))
            plans[-1].extra = extra
        return _build_plans(plans, force, log, jobs, template)
    finally:
        _inputs.unpin([path for plan in plans for path in plan.pinned])


def _build_plans(plans: list, force: bool, log, jobs, template) -> list[Built]:
    folders = {}
    for plan in plans:
        other = folders.setdefault(plan.folder, plan)
        if other is not plan:
            raise InputError(f"{other.source} and {plan.source} both build into {plan.out}/: "
                             "give the studies different names")
    control = _Control()
    with _signals(control), contextlib.ExitStack() as held:
        try:
            for plan in plans:
                plan.output = Output(plan.folder, f"{plan.out}/")
                held.callback(plan.output.release)  # (a no-op unless locked)
                plan.output.lock()
                _schedule(plan, force, log)
            held.enter_context(_pdf_process(any("pdf" in plan.made_todo for plan in plans)))
            for plan in plans:
                if not plan.todo and plan.made_todo:  # no report to build, only deliverables
                    _write_study(plan, control)
            waiting = [plan for plan in plans if plan.todo]
            if waiting:
                widest = max(len(plan.todo) for plan in waiting)
                workers = jobs or max(os.cpu_count() or 1, widest)
                with _scratch.folder() as root, _kernel_template(template) as template:
                    failure = _Batch(waiting, workers, log, template, root, control).run()
                if failure is not None:
                    raise failure
        except KeyboardInterrupt:
            raise Interrupted(_outcome(plans)) from None
    return [built for plan in plans for built in plan.results()]


class _Control:
    """Whether the build was stopped (interrupted), and the lock under which a report folder
    is switched: an interrupt comes either before a switch, and prevents it, or after."""

    def __init__(self):
        self.lock = threading.RLock()
        self.stopped = False

    def stop(self) -> bool:
        """Stop the build; True the first time."""
        with self.lock:
            first, self.stopped = not self.stopped, True
        return first


@contextlib.contextmanager
def _signals(control: _Control):
    """For the duration of the build (when it runs in the main thread): the first SIGINT or
    SIGTERM stops the build, then does what it did before (raises KeyboardInterrupt); any
    further one is ignored, so that the clean-up runs to its end and the outcome is known.
    Signals whose handling is not Python's (SIG_DFL, SIG_IGN) are left alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}

    def handler(signum, frame):
        if control.stop():
            previous[signum](signum, frame)

    for number in (signal.SIGINT, signal.SIGTERM):
        current = signal.getsignal(number)
        if callable(current):
            previous[number] = current
            signal.signal(number, handler)
    try:
        yield
    finally:
        for number, current in previous.items():
            signal.signal(number, current)


def _outcome(plans: list) -> str:
    """What each report folder holds after an interrupt, in one line."""
    states = [plan.output.state() if plan.output is not None
              else f"the previous reports are unchanged in {plan.out}/" for plan in plans]
    return "; ".join(dict.fromkeys(states))


@dataclass
class _Plan:
    """One study of a build: the reports to build and, as the build goes, what was built."""

    source: str  # the study file as given
    study: Study
    out: Path  # as given, for messages
    folder: Path  # the same, absolute and with symlinks resolved (the folder that is replaced)
    wanted: list
    digests: dict  # input key -> [(name, SHA-256)]
    notebooks: Path
    library: str
    pinned: dict = field(default_factory=dict)  # path -> the bytes read (and hashed) of each input
    todo: dict = field(default_factory=dict)  # report -> (notebook, its dependencies)
    stamps: dict = field(default_factory=dict)  # the old set's stamp
    pages: list = field(default_factory=list)  # the reports of the new set, in the study's order
    extra: tuple = ()  # deliverables asked for besides the study's own
    made: dict = field(default_factory=dict)  # deliverable -> its digest, in the new set
    made_todo: list = field(default_factory=list)  # the deliverables to (re)make
    output: Output | None = None
    built: dict = field(default_factory=dict)  # report -> (page, tables, manifest)
    rebuilt: list = field(default_factory=list)
    left: int = 0  # notebooks not yet done
    scratch: Path | None = None  # the checked survey, for the kernels
    failure: Exception | None = None

    def results(self) -> list[Built]:
        return [Built(r, self.out / f"{r}.html", r in self.rebuilt) for r in self.wanted]


def _plan(study_path, out, reports, notebooks: Path, library: str) -> _Plan:
    """Read a study file and its inputs' digests, and check that its report folder is apart
    from every input.  Nothing is written."""
    # Each input is read once, here: its bytes are hashed for the stamp and the footer, and
    # pinned (sqmreport.data.inputs), so that the checks and the kernels parse those very
    # bytes even if a file changes on disk during the build.
    pinned = {}
    try:
        pinned[Path(study_path).resolve()] = Path(study_path).read_bytes()
    except OSError:
        pass  # load_study says what is wrong with it
    _inputs.pin(pinned)
    try:
        return _read_plan(study_path, out, reports, notebooks, library, pinned)
    except BaseException:
        _inputs.unpin(pinned)
        raise


def _read_plan(study_path, out, reports, notebooks: Path, library: str, pinned: dict) -> _Plan:
    study = load_study(study_path)
    wanted = reports or study.spec.reports
    unknown = [r for r in wanted if r not in study.spec.reports]
    if unknown:
        raise InputError(f"report {unknown[0]!r} is not among the study's reports "
                         f"({', '.join(study.spec.reports)})", file=study.path.name)
    out = Path(out) if out is not None else Path("reports") / study.name
    folder = out.absolute().resolve()
    files = _input_files(study)
    check_apart(folder, f"{out}/", [
        *(("the study's input", path) for found in files.values() for _, path in found),
        ("the notebooks' folder", notebooks),
        ("the instruments' folder", PACKAGE / "data" / "instruments")])
    digests = {}
    for key, found in files.items():
        digests[key] = []
        for name, path in found:
            data = pinned.get(path.resolve())
            if data is None:
                data = pinned[path.resolve()] = _inputs.read_bytes(path, shown=name)
            digests[key].append((name, _digest(data)))
    _inputs.pin(pinned)
    return _Plan(str(study_path), study, out, folder, wanted, digests, notebooks, library,
                 pinned=pinned)


def _schedule(plan: _Plan, force: bool, log) -> None:
    """Once the report folder is locked: which reports and which deliverables (the overview,
    the workbook, the PDF, the deck) are to be (re)made, and which reports the new set holds."""
    study, out, folder = plan.study, plan.out, plan.folder
    options = _options(study.spec)
    plan.stamps = stamps = _read_stamps(folder / _STAMP)
    present = {r for r in study.spec.reports if _present(folder, r, stamps["reports"].get(r))}
    for report in plan.wanted:
        notebook = plan.notebooks / f"{report}.ipynb"
        if not notebook.is_file():
            raise BuildError(f"notebook {notebook.name} not found in {plan.notebooks.name}/")
        needs = _dependencies(report, plan.digests, options, notebook, plan.library)
        target = out / f"{report}.html"
        if not force and report in present \
                and stamps["reports"][report].get("digest") == needs["digest"]:
            log(f"{target}: up to date")
        else:
            check_parameters(notebook)
            plan.todo[report] = (notebook, needs)
    plan.pages = [r for r in study.spec.reports if r in plan.todo or r in present]
    # Every deliverable is made from all the reports of the set: it is remade when one of them
    # is, or when what it shows of the study file changes.  The overview links to the other
    # deliverables, so it also depends on which are made.
    wanted = _deliverables_wanted(study.spec, plan.extra)
    base = {"options": {key: options.get(key) for key in INDEX_OPTIONS}, "library": plan.library,
            "logo": plan.digests.get("logo", []),
            "reports": [(r, plan.todo[r][1]["digest"] if r in plan.todo
                         else stamps["reports"][r].get("digest")) for r in plan.pages]}
    for name in wanted:
        needs = {**base, "files": [FILES[d] for d in wanted]} if name == "overview" else base
        plan.made[name] = _digest(json.dumps(needs, sort_keys=True).encode())
        if force or stamps["made"].get(name) != plan.made[name] \
                or not (folder / FILES[name]).is_file():
            plan.made_todo.append(name)


def _present(folder: Path, report: str, entry) -> bool:
    """Is the report in the old set, whole: its page and every table its stamp lists?"""
    if not isinstance(entry, dict) or not isinstance(entry.get("tables"), list):
        return False
    tables = entry["tables"]
    if not all(isinstance(t, str) and t and "/" not in t and "\\" not in t
               and t not in (".", "..") for t in tables):
        return False
    return (folder / f"{report}.html").is_file() \
        and (folder / _manifest_file(report)).is_file() \
        and all((folder / "tables" / t).is_file() for t in tables)


def _manifest_file(report: str) -> str:
    """Where a report's manifest is kept in its folder, for the deliverables of a later build
    that carries the report as it is."""
    return f".{report}.manifest.jsonl"


def _deliverables_asked(asked) -> tuple:
    """The deliverables asked for on the command line (``all`` is every one)."""
    known = [d for d in StudyDeliverables if d != "html"]
    found = []
    for word in asked or ():
        for name in str(word).split(","):
            name = name.strip()
            if name == "all":
                found += known
            elif name in known or name == "html":
                found.append(name)
            elif name:
                raise InputError(f"--deliverables: unknown deliverable {name!r} "
                                 f"(one of: {', '.join(known)}, all)")
    return tuple(dict.fromkeys(found))


def _deliverables_wanted(spec: StudySpec, extra: tuple) -> list:
    """What the build makes besides the pages: the overview always, then the workbook, the
    PDF and the deck that the study file or the command line asks for."""
    asked = set(spec.deliverables) | set(extra)
    return ["overview", *(d for d in DELIVERABLES[1:] if d in asked)]


def _read_stamps(path: Path) -> dict:
    """The stamp of a study's reports; an unreadable or older one counts as none."""
    try:
        stamps = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stamps = {}
    if not isinstance(stamps, dict) or stamps.get("version") != _STAMP_VERSION:
        stamps = {}
    reports, made = stamps.get("reports", {}), stamps.get("made", {})
    return {"version": _STAMP_VERSION, "reports": dict(reports) if isinstance(reports, dict) else {},
            "made": dict(made) if isinstance(made, dict) else {}}


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
    if kind == "options":
        declared |= set(BUILD_OPTIONS)
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

    def __init__(self, plans: list, workers: int, log, template, scratch: Path, control: _Control):
        self.plans, self.workers, self.log, self.template = list(plans), workers, log, template
        self.scratch, self.control = scratch, control
        self.failure = None
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
            self.control.stop()
            with self._lock:
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

    @property
    def stopped(self) -> bool:
        """Interrupted: nothing more is started or written."""
        return self.control.stopped

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
        try:
            plan.scratch = Path(tempfile.mkdtemp(prefix="s", dir=self.scratch))
            self._checked.append(plan)
            # The kernels get the checked survey, not the survey file's bytes: they never
            # read that file, and a large survey would otherwise sit in every kernel twice.
            survey_file = plan.study.resolve(plan.study.data_file("survey").path).resolve()
            plan.pinned.pop(survey_file, None)
            _inputs.unpin([survey_file])
            cache = _cache_survey(survey, plan.scratch, plan.pinned)
        except OSError as exc:
            raise OutputError(f"cannot write the build's scratch folder {self.scratch}: "
                              f"{exc.strerror or exc}; {plan.output.state()}") from None
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
            page, tables, manifest, warnings = _build_report(
                plan.study, report, notebook, needs["inputs"], cache, self.template, self.scratch)
            plan.built[report] = page, tables, manifest
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
            if plan.failure is None:  # all or nothing: a failed notebook keeps the old set
                try:
                    _write_study(plan, self.control)
                except (BuildError, OutputError) as exc:
                    plan.failure = exc
                except Stopped:
                    return
            if plan.failure is not None:
                if isinstance(plan.failure, BuildError):
                    plan.failure.study = plan.source
                raise plan.failure


def _write_study(plan: _Plan, control: _Control) -> None:
    """Write the study's new set beside its report folder and switch (see
    :mod:`sqmreport.build.output`): the built reports and their tables, the unchanged
    reports carried over, the deliverables, the stamp last.  Raises :class:`OutputError`
    (the folder unchanged) when the disk refuses, :class:`Stopped` when the build was
    interrupted before the switch."""
    staging = None
    try:
        try:
            staging = plan.output.stage()
            _fill(plan, staging)
            staging.commit(control)
        except OSError as exc:
            raise OutputError(f"cannot write {plan.output.shown}: {exc.strerror or exc}; "
                              f"{plan.output.state()}") from None
        finally:
            if staging is not None:
                staging.discard()
    except Stopped:
        if threading.current_thread() is threading.main_thread():
            raise KeyboardInterrupt from None
        raise
    plan.rebuilt = [r for r in plan.pages if r in plan.built]


def _fill(plan: _Plan, staging) -> None:
    """The new set, into ``staging``: the reports built now and those carried, then the
    deliverables to remake (each made from every report of the set) or carry."""
    old, folder = plan.stamps, plan.folder
    pages = {r: page for r, (page, _, _) in plan.built.items()}
    todo = plan.made_todo
    if todo:
        manifests = {r: (_manifest.loads(plan.built[r][2].decode("utf-8")) if r in plan.built else
                         _manifest.read(folder / _manifest_file(r))) for r in plan.pages}
        info = _study_info(plan)
    index = ""
    if "overview" in todo:
        from sqmreport.present.deliverables.overview import build_overview

        index = build_overview(info, [manifests[r] for r in plan.pages],
                               files={d: FILES[d] for d in plan.made if d != "overview"})
    # One font subset for every new page of the study: it is the slow part of embedding.
    characters = {c for c in set().union(*map(set, [index, *pages.values()])) if ord(c) > 0x7F}
    face = font_face("".join(characters)) if pages or index else ""
    stamps = {"version": _STAMP_VERSION, "reports": {}, "made": {}}
    written = {}
    for report in plan.pages:  # in the study's order
        new = report in plan.built
        names = plan.built[report][1] if new else dict.fromkeys(old["reports"][report]["tables"])
        for name in names:
            if written.setdefault(name, report) != report:
                raise BuildError(f"{report} and {written[name]} both write tables/{name}; "
                                 "give one of them another name")
        if new:
            for name, data in names.items():
                staging.write(f"tables/{name}", data)
            pages[report] = pages[report].replace(FONT_FACE, face, 1)
            staging.write(f"{report}.html", pages[report].encode("utf-8"))
            staging.write(_manifest_file(report), plan.built[report][2])
            stamps["reports"][report] = {**plan.todo[report][1], "tables": sorted(names)}
        else:
            for name in names:
                staging.carry(f"tables/{name}")
            staging.carry(f"{report}.html")
            staging.carry(_manifest_file(report))
            stamps["reports"][report] = old["reports"][report]
    if index:
        index = index.replace(FONT_FACE, face, 1)
    pdf = None
    if "pdf" in todo:  # laid out (in its own process) while the workbook and the deck are made
        if not index:
            index = (folder / FILES["overview"]).read_text(encoding="utf-8")
        shown = [(r, pages[r] if r in pages else (folder / f"{r}.html").read_text(encoding="utf-8"))
                 for r in plan.pages]
        pdf = _pdf(info, index, shown)
    for name, digest in plan.made.items():
        stamps["made"][name] = digest
        if name not in todo:
            staging.carry(FILES[name])
            continue
        if name == "overview":
            data = index.encode("utf-8")
        elif name == "workbook":
            from sqmreport.present.deliverables.workbook import build_workbook

            tables = {}
            for report in plan.pages:
                if report in plan.built:
                    tables.update(plan.built[report][1])
                else:
                    tables.update({t: (folder / "tables" / t).read_bytes()
                                   for t in old["reports"][report]["tables"]})
            data = build_workbook(info, [manifests[r] for r in plan.pages], tables)
        elif name == "pdf":
            data = pdf()
        else:
            from sqmreport.present.deliverables.deck import build_deck

            data = build_deck(info, [manifests[r] for r in plan.pages])
        staging.write(FILES[name], data)
    stamps["files"] = sorted([*staging.files, _STAMP])
    staging.write(_STAMP, json.dumps(stamps, indent=1, sort_keys=True, ensure_ascii=False).encode())


# The PDFs of a build are laid out in processes of their own (WeasyPrint is pure Python:
# in the build's process it would hold the interpreter while the other studies' pages are
# exported), started when the first PDF is due: two, so that a batch's next PDF need not
# wait for the one before it (:mod:`sqmreport.build.pdfworker`).
_pdf_pool = {"wanted": False, "pool": None, "lock": threading.Lock()}


@contextlib.contextmanager
def _pdf_process(wanted: bool):
    if not wanted or _pdf_pool["wanted"]:
        yield
        return
    _pdf_pool["wanted"] = True
    try:
        yield
    finally:
        with _pdf_pool["lock"]:
            pool, _pdf_pool["pool"], _pdf_pool["wanted"] = _pdf_pool["pool"], None, False
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _pdf(info: StudyInfo, overview: str, pages: list):
    """Start laying out the study's PDF; returns what waits for its bytes."""
    from sqmreport.present.deliverables.pdf import build_pdf

    with _pdf_pool["lock"]:
        pool = _pdf_pool["pool"]
        if pool is None and _pdf_pool["wanted"]:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            from sqmreport.build import pdfworker

            pool = _pdf_pool["pool"] = ProcessPoolExecutor(
                2, mp_context=multiprocessing.get_context("spawn"), initializer=pdfworker.start)
            pool.submit(int)  # the second starts now too, for the next study
            pool.submit(int)
    if pool is None:
        data = build_pdf(info, overview, pages)
        return lambda: data
    return pool.submit(build_pdf, info, overview, pages).result


def _study_info(plan: _Plan) -> StudyInfo:
    """What the deliverables say of the study, with its provenance: every input's SHA-256."""
    spec, study = plan.study.spec, plan.study
    provenance = {name: digest for found in plan.digests.values() for name, digest in found}
    provenance["sqmreport"] = __version__
    provenance["built"] = now().strftime("%Y-%m-%dT%H:%M:%SZ")
    logo, logo_type = None, ""
    if spec.logo:
        path = study.resolve(spec.logo).resolve()
        logo = plan.pinned.get(path) or _inputs.read_bytes(path)
        logo_type = _IMAGE_TYPES.get(path.suffix.lower(), "application/octet-stream")
    return StudyInfo(name=study.name, title=spec.title, language=study.language,
                     client=spec.client, fieldwork=spec.fieldwork, logo=logo, logo_type=logo_type,
                     provenance=provenance, reports=tuple(plan.pages))


_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}


def _cache_survey(survey, folder: Path, pinned: dict | None = None) -> str:
    """Pickle the survey as checked and coded here for the build's kernels, so that each
    report starts from it instead of reading and checking the data again (each kernel
    hands it to :func:`sqmreport.data.survey.remember` before the notebook runs), with the
    bytes of the study's inputs as the build read and hashed them (each kernel pins them:
    :func:`sqmreport.build.warmup.remember_pickled`)."""
    path = folder / "survey.pickle"  # respondent-level: in the build's private folder, 0600
    cached = {"survey": survey, "pinned": {str(p): data for p, data in (pinned or {}).items()}}
    with open(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o600), "wb") as f:
        pickle.dump(cached, f, protocol=pickle.HIGHEST_PROTOCOL)
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
                  cache: str | None = None, template=None,
                  scratch: Path | None = None) -> tuple[str, dict, bytes, list]:
    """Execute and export one report: its page (font not yet embedded), its tables, its
    manifest (:mod:`sqmreport.present.manifest`) and the warnings about output that does
    not reach the page."""
    from sqmreport.build.execute import CellFailed, KernelDied, execute
    from sqmreport.build.provisioner import KERNEL_NAME, kernel_specs

    # The scratch folder is outside the reports, in the build's private folder
    # (:mod:`sqmreport.build.scratch`); its name is short: the kernel's sockets are in it.
    with tempfile.TemporaryDirectory(prefix="r", dir=scratch) as scratch:
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
        written = sorted(t for t in tables.iterdir() if not t.name.startswith(".")) \
            if tables.is_dir() else []
        # What the page showed, for the deliverables; a notebook that shows nothing through
        # the Report (a researcher's own) has an empty one.
        shown = tables / _manifest.MANIFEST
        manifest = shown.read_bytes() if shown.is_file() else \
            _manifest.record("report", {"report": report, "language": study.language}).encode() + b"\n"
        return page, {table.name: table.read_bytes() for table in written}, manifest, done.warnings


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
        "title": f"{study.spec.title} · {text(lang, f'reports.{report}', respondent=study.spec.respondent)}",
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


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _strip_ansi(value: str) -> str:
    return _ANSI.sub("", value or "")
