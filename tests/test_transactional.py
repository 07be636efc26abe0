"""A study's report folder is replaced as a whole: all old or all new, whatever happens.

The write phase is made to fail (a full disk) and is interrupted at each of its steps in
turn, in process, on synthetic reports (no kernel needed); the command line is interrupted
(SIGINT, twice), killed, made to run out of disk and run into a locked, a foreign, a
read-only or an input-holding folder.  After each, the report folder is exactly the old
set or the new set, the one line said which, and no staging or scratch file is left.
"""

import errno
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sqmreport.build import output, render, scratch
from sqmreport.build.output import Output, OutputError

from .conftest import REPO, small_spec, small_survey


def snapshot(folder: Path) -> dict:
    """{relative path: SHA-256} of every file under ``folder`` (None if there is none)."""
    if not folder.exists():
        return None
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    """What the build may leave beside the report folder: nothing."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def study_at(root: Path, **changes) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    small_survey().to_csv(root / "survey.csv", index=False)
    path = root / "study.yml"
    path.write_text(yaml.safe_dump(small_spec(**changes), allow_unicode=True), encoding="utf-8")
    return path


# -- the write phase, in process --------------------------------------------------------------

REPORTS = ["satisfaction", "factor_analysis"]


@pytest.fixture(scope="module", autouse=True)
def fixed_time():
    """One build time for every set written here (the deliverables carry it), so that the
    same set is the same bytes whenever it is written."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1764788400")
        yield


def write_set(path: Path, out: Path, built: dict, *, reports=None, force=True, control=None):
    """Plan the study into ``out`` as the build does, with ``built`` ({report: (page,
    tables)}) standing for the executed notebooks; write the set.  Returns the plan."""
    plan = render._plan(path, out, reports, render.NOTEBOOKS, "library")
    plan.output = Output(plan.folder, f"{out}/")
    plan.output.lock()
    try:
        render._schedule(plan, force, lambda line: None)
        plan.built = {r: built[r] for r in plan.todo}
        render._write_study(plan, control or render._Control())
    finally:
        plan.output.release()
    return plan


def page(text: str) -> str:
    return f"<html><head><style>{render.FONT_FACE}</style></head><body>{text}</body></html>"


def shown(report: str) -> bytes:
    """The manifest of a report that showed nothing but its title."""
    return (json.dumps({"type": "report", "report": report, "language": "en", "title": report})
            + "\n").encode()


OLD = {"satisfaction": (page("old satisfaction"), {"csi.csv": b"old csi", "nps.csv": b"old nps"},
                        shown("satisfaction")),
       "factor_analysis": (page("old factors"), {"kmo.csv": b"old kmo"}, shown("factor_analysis"))}
# The new build rebuilds satisfaction only; its nps table is no longer made.
NEW = {"satisfaction": (page("new satisfaction"), {"csi.csv": b"new csi", "drivers.csv": b"d"},
                        shown("satisfaction"))}

STEPS = ["_mkdir", "_write_file", "_carry_file", "_fsync_dir", "_switch"]


@pytest.fixture(scope="module")
def two_sets(tmp_path_factory):
    """The old set and the new set of a study (each written without a fault)."""
    root = tmp_path_factory.mktemp("sets")
    path = study_at(root / "study", reports=REPORTS)
    write_set(path, root / "old", OLD)
    old = snapshot(root / "old")
    os.rename(root / "old", root / "new")
    write_set(path, root / "new", NEW, reports=["satisfaction"])
    return {"path": path, "old": old, "new": snapshot(root / "new")}


def test_the_new_set_holds_exactly_what_the_build_makes(two_sets):
    old, new = two_sets["old"], two_sets["new"]
    assert sorted(old) == [".build.json", ".factor_analysis.manifest.jsonl",
                           ".satisfaction.manifest.jsonl", "factor_analysis.html", "index.html",
                           "satisfaction.html", "tables/csi.csv", "tables/kmo.csv", "tables/nps.csv",
                           "workbook.xlsx"]
    # nps.csv, no longer made, is gone; the factor report is carried over as it was
    assert sorted(new) == [".build.json", ".factor_analysis.manifest.jsonl",
                           ".satisfaction.manifest.jsonl", "factor_analysis.html", "index.html",
                           "satisfaction.html", "tables/csi.csv", "tables/drivers.csv",
                           "tables/kmo.csv", "workbook.xlsx"]
    assert new["factor_analysis.html"] == old["factor_analysis.html"]
    assert new["tables/kmo.csv"] == old["tables/kmo.csv"]
    assert new["satisfaction.html"] != old["satisfaction.html"]


def _fault_plan(two_sets, tmp_path, monkeypatch, step_index, when, make_fault):
    """Write the new set over a copy of the old one, with a fault at the ``step_index``-th
    disk step (before or after it runs); return (plan or exception, the folder)."""
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    assert snapshot(out) == two_sets["old"]
    calls = {"n": 0}
    control = render._Control()

    def wrap(name):
        real = getattr(output, name)

        def step(*args, **kwargs):
            calls["n"] += 1
            hit = calls["n"] == step_index
            if hit and when == "before":
                raise make_fault(control)
            result = real(*args, **kwargs)
            if hit and when == "after":
                raise make_fault(control)
            return result

        return step

    for name in STEPS:
        monkeypatch.setattr(output, name, wrap(name))
    try:
        write_set(two_sets["path"], out, NEW, reports=["satisfaction"], control=control)
        raised = None
    except (OutputError, KeyboardInterrupt) as exc:
        raised = exc
    return raised, out, calls["n"]


def _steps(two_sets, tmp_path, monkeypatch) -> int:
    _, out, n = _fault_plan(two_sets, tmp_path / "count", monkeypatch, 0, "before", None)
    monkeypatch.undo()
    return n


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_full_disk_at_any_step_leaves_the_old_set_or_the_new(two_sets, tmp_path, monkeypatch, when):
    total = _steps(two_sets, tmp_path, monkeypatch)
    assert total > 10
    outcomes = set()
    for k in range(1, total + 1):
        raised, out, _ = _fault_plan(two_sets, tmp_path / str(k), monkeypatch,
                                     k, when, lambda control: OSError(errno.ENOSPC, "No space left on device"))
        monkeypatch.undo()
        now = snapshot(out)
        assert now in (two_sets["old"], two_sets["new"]), k
        assert leftovers(out) == [], k
        if raised is None:  # the fault came after the switch, when nothing can fail any more
            assert now == two_sets["new"]
            continue
        message = str(raised)
        assert "\n" not in message and "No space left on device" in message
        if now == two_sets["old"]:
            assert message.endswith(f"the previous reports are unchanged in {out}/"), message
        else:
            assert message.endswith(f"the new reports are in place in {out}/"), message
        outcomes.add(now == two_sets["new"])
    assert False in outcomes  # most faults come before the switch


@pytest.mark.parametrize("when", ["before", "after"])
def test_an_interrupt_at_any_step_leaves_the_old_set_or_the_new(two_sets, tmp_path, monkeypatch, when):
    total = _steps(two_sets, tmp_path, monkeypatch)

    def interrupt(control):  # what the build's signal handler does
        control.stop()
        return KeyboardInterrupt()

    seen = set()
    for k in range(1, total + 1):
        raised, out, _ = _fault_plan(two_sets, tmp_path / str(k), monkeypatch, k, when, interrupt)
        monkeypatch.undo()
        now = snapshot(out)
        assert now in (two_sets["old"], two_sets["new"]), k
        assert leftovers(out) == [], k
        seen.add(now == two_sets["new"])
        assert raised is None or isinstance(raised, KeyboardInterrupt)
    assert False in seen and (when == "before" or True in seen)


def test_what_the_interrupt_message_says_is_what_the_folder_holds(two_sets, tmp_path, monkeypatch):
    """The outcome is read from the folder: the staged folder in place or not."""
    for when, expected in (("before", "the previous reports are unchanged in"),
                           ("after", "the new reports are in place in")):
        out = tmp_path / when / "out"
        write_set(two_sets["path"], out, OLD)
        plan = render._plan(two_sets["path"], out, ["satisfaction"], render.NOTEBOOKS, "library")
        plan.output = Output(plan.folder, f"{out}/")
        plan.output.lock()
        render._schedule(plan, True, lambda line: None)
        plan.built = dict(NEW)
        control = render._Control()
        real = output._switch

        def switch(staging, folder, when=when, real=real, control=control):
            if when == "before":
                control.stop()
                raise KeyboardInterrupt
            real(staging, folder)
            control.stop()
            raise KeyboardInterrupt

        monkeypatch.setattr(output, "_switch", switch)
        with pytest.raises(KeyboardInterrupt):
            render._write_study(plan, control)
        monkeypatch.undo()
        assert render._outcome([plan]) == f"{expected} {out}/"
        plan.output.release()
        assert leftovers(out) == []
        assert snapshot(out) == (two_sets["old"] if when == "before" else two_sets["new"])


def test_a_stopped_build_does_not_switch(two_sets, tmp_path):
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    control = render._Control()
    control.stop()
    with pytest.raises(KeyboardInterrupt):  # in the main thread: the interrupt goes on
        write_set(two_sets["path"], out, NEW, reports=["satisfaction"], control=control)
    assert snapshot(out) == two_sets["old"] and leftovers(out) == []


def test_without_an_atomic_exchange_two_renames_and_recovery(two_sets, tmp_path, monkeypatch):
    """Where renameat2 cannot exchange, the fallback renames twice; a build that died between
    the two renames is recovered by the next: the old set comes back."""
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)

    def no_exchange(a, b):
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(output, "_exchange", no_exchange)
    write_set(two_sets["path"], out, NEW, reports=["satisfaction"])
    assert snapshot(out) == two_sets["new"] and leftovers(out) == []
    # Death between the renames: the folder is away under its -old- name, the staging
    # folder beside it.
    old_name = out.parent / f".out.sqmreport-old-{os.getpid()}-dead"
    os.rename(out, old_name)
    (out.parent / f".out.sqmreport-new-{os.getpid()}-dead").mkdir()
    (out.parent / f".out.sqmreport-new-{os.getpid()}-dead" / "satisfaction.html").write_text("half")
    monkeypatch.undo()
    lock = Output(out.resolve(), "out/")
    lock.lock()
    lock.release()
    assert snapshot(out) == two_sets["new"] and leftovers(out) == []


def test_unchanged_reports_are_hard_links_or_copies(two_sets, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    kmo = (out / "tables" / "kmo.csv").stat().st_ino
    write_set(two_sets["path"], out, NEW, reports=["satisfaction"])
    assert (out / "tables" / "kmo.csv").stat().st_ino == kmo  # the same file, linked

    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    write_set(two_sets["path"], out, NEW, reports=["satisfaction"])
    assert snapshot(out) == two_sets["new"]


def test_a_reader_holding_an_old_page_open_keeps_reading_it(two_sets, tmp_path):
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    old = (out / "satisfaction.html").read_bytes()
    with open(out / "satisfaction.html", "rb") as reader:
        first = reader.read(10)
        write_set(two_sets["path"], out, NEW, reports=["satisfaction"])
        assert first + reader.read() == old
    assert (out / "satisfaction.html").read_bytes() != old


def test_a_second_build_does_not_touch_the_first_ones_staging(two_sets, tmp_path):
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    first = Output(out.resolve(), "out/")
    first.lock()
    staging = first.stage()
    staging.write("index.html", b"being written")
    with pytest.raises(OutputError, match=rf"another build is writing {out}/ \(pid {os.getpid()}\)"):
        write_set(two_sets["path"], out, NEW, reports=["satisfaction"])
    assert (staging.path / "index.html").read_bytes() == b"being written"
    staging.discard()
    first.release()
    assert snapshot(out) == two_sets["old"] and leftovers(out) == []


# -- the report folder must be apart and the build's own --------------------------------------

def test_a_folder_holding_files_the_build_did_not_write_is_refused(two_sets, tmp_path):
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match=r"holds notes.txt, which sqmreport did not write; the "
                                          r"build replaces the folder as a whole"):
        write_set(two_sets["path"], out, NEW, reports=["satisfaction"])
    assert (out / "notes.txt").read_text() == "mine" and leftovers(out) == []
    elsewhere = tmp_path / "desktop"
    elsewhere.mkdir()
    (elsewhere / "a.html").write_text("someone's page")  # no stamp: nothing there is ours
    with pytest.raises(OutputError, match="holds a.html, which sqmreport did not write"):
        write_set(two_sets["path"], elsewhere, NEW, reports=["satisfaction"])


def test_a_stamp_cannot_carry_files_from_outside_the_folder(two_sets, tmp_path):
    import json

    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    stamp = json.loads((out / ".build.json").read_text())
    stamp["reports"]["factor_analysis"]["tables"] = ["../../secret"]
    (out / ".build.json").write_text(json.dumps(stamp))
    (tmp_path / "secret").write_text("secret")
    plan = write_set(two_sets["path"], out, NEW, reports=["satisfaction"])
    assert plan.pages == ["satisfaction"]  # the factor report was not whole: not carried
    assert "secret" not in "".join(p.name for p in out.rglob("*"))


def test_dropping_a_report_removes_its_page_and_tables(two_sets, tmp_path):
    out = tmp_path / "out"
    write_set(two_sets["path"], out, OLD)
    path = study_at(tmp_path / "study")  # the study now makes the satisfaction report only
    write_set(path, out, NEW)
    assert sorted(snapshot(out)) == [".build.json", ".satisfaction.manifest.jsonl", "index.html",
                                     "satisfaction.html", "tables/csi.csv", "tables/drivers.csv",
                                     "workbook.xlsx"]
    assert "factor_analysis" not in (out / "index.html").read_text()


@pytest.mark.parametrize("where", ["waves tables", "survey", "study folder", "notebooks", "symlink"])
def test_a_report_folder_holding_or_inside_an_input_is_refused(tmp_path, where):
    study = tmp_path / "study"
    path = study_at(study)
    notebooks = render.NOTEBOOKS
    if where == "waves tables":  # the quoted case: last wave's tables are in the folder
        (study / "out" / "tables").mkdir(parents=True)
        (study / "out" / "tables" / "waves.csv").write_text("wave\n")
        path.write_text(yaml.safe_dump(small_spec(waves=[{"label": "2025",
                                                          "tables": "out/tables/waves.csv"}])))
        out, needle = study / "out", "contains the study's input"
    elif where == "survey":
        out, needle = study, "contains the study's input"
    elif where == "study folder":
        out, needle = tmp_path, "contains the study's input"
    elif where == "notebooks":
        notebooks = tmp_path / "nb"
        notebooks.mkdir()
        out, needle = notebooks / "out", "is inside the notebooks' folder"
    else:
        (tmp_path / "link").symlink_to(study)
        out, needle = tmp_path / "link", "contains the study's input"
    before = snapshot(tmp_path)
    with pytest.raises(OutputError, match=needle) as refused:
        render.build(path, out=out, notebooks=notebooks)
    assert "\n" not in str(refused.value) and str(out) in str(refused.value)
    assert snapshot(tmp_path) == before  # nothing written


# -- the command line ---------------------------------------------------------------------------

def cli(*args, tmp: Path, script: str = "", timeout=300, **kwargs):
    """``sqmreport`` in a subprocess with its own temporary directory; ``script`` runs first
    (to make a step fail)."""
    tmp.mkdir(exist_ok=True)
    code = (f"import sys\n{script}\nfrom sqmreport.build.cli import main\n"
            f"sys.exit(main({list(map(str, args))!r}))")
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "TMPDIR": str(tmp)},
                          timeout=timeout, **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A small study built once by the command line; tests copy its report folder."""
    root = tmp_path_factory.mktemp("built")
    path = study_at(root / "study")
    done = cli("build", path, "--out", root / "out", tmp=root / "tmp")
    assert done.returncode == 0, done.stderr
    return {"path": path, "out": root / "out", "set": snapshot(root / "out")}


def copy_of(built, tmp_path) -> Path:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    return out


def test_an_output_path_that_is_a_file_is_one_line(built, tmp_path):
    (tmp_path / "out").write_text("a file")
    done = cli("build", built["path"], "--out", tmp_path / "out", tmp=tmp_path / "tmp")
    assert done.returncode == 2
    assert done.stderr == f"error: {tmp_path / 'out'} is a file, not a folder: give --out a folder\n"
    assert (tmp_path / "out").read_text() == "a file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permissions")
def test_a_read_only_folder_is_one_line(built, tmp_path):
    out = copy_of(built, tmp_path)
    out.chmod(0o555)
    try:
        done = cli("build", built["path"], "--out", out, "--force", tmp=tmp_path / "tmp")
    finally:
        out.chmod(0o755)
    assert done.returncode == 2
    assert done.stderr == f"error: {out} is read-only: its reports cannot be replaced\n"
    assert snapshot(out) == built["set"]


def test_a_second_build_into_the_folder_stops_with_one_line(built, tmp_path):
    out = copy_of(built, tmp_path)
    holder = Output(out.resolve(), "out/")
    holder.lock()  # this process is "the other build"
    try:
        done = cli("build", built["path"], "--out", out, "--force", tmp=tmp_path / "tmp")
    finally:
        holder.release()
    assert done.returncode == 2
    assert done.stderr == (f"error: another build is writing {out}/ (pid {os.getpid()}); "
                           "try again when it has finished\n")
    assert snapshot(out) == built["set"] and leftovers(out) == []


def test_a_foreign_file_is_refused_and_kept(built, tmp_path):
    out = copy_of(built, tmp_path)
    (out / "tables" / "my-notes.xlsx").write_bytes(b"mine")
    done = cli("build", built["path"], "--out", out, "--force", tmp=tmp_path / "tmp")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {out}/ holds tables/my-notes.xlsx, which sqmreport "
                                  "did not write;") and done.stderr.count("\n") == 1
    assert (out / "tables" / "my-notes.xlsx").read_bytes() == b"mine"


def test_an_input_inside_the_folder_is_refused_by_the_command_line(built, tmp_path):
    study = tmp_path / "study"
    path = study_at(study)
    done = cli("build", path, "--out", study, tmp=tmp_path / "tmp")
    assert done.returncode == 2
    assert done.stderr == (f"error: the report folder {study}/ contains the study's input "
                           f"{study / 'study.yml'}, which the build reads: build into another "
                           "folder (--out)\n")


def _patched(step: str, action: str, at: int) -> str:
    """A script that makes the ``at``-th call of ``output.<step>`` do ``action`` first."""
    return (f"import os, signal, errno\nfrom sqmreport.build import output\n"
            f"_real, _n = output.{step}, [0]\n"
            f"def _step(*a, **k):\n"
            f"    _n[0] += 1\n"
            f"    if _n[0] == {at}:\n"
            f"        {action}\n"
            f"    return _real(*a, **k)\n"
            f"output.{step} = _step\n")


def _check_after(done, out, tmp, old, expect_new, inode):
    """The folder is the old set (the very files) or a whole new one; nothing left over."""
    now = snapshot(out)
    assert leftovers(out) == []
    assert list(tmp.iterdir()) == []  # the build's scratch (the pickled survey) is gone
    assert "Traceback" not in done.stderr
    assert sorted(now) == sorted(old)  # (a rebuild of the same inputs is byte-identical)
    assert ((out / "satisfaction.html").stat().st_ino != inode) == expect_new
    if not expect_new:
        assert now == old


@pytest.mark.parametrize("at", [1, 5])
def test_a_full_disk_is_one_line_and_the_old_set_stays(built, tmp_path, at):
    out = copy_of(built, tmp_path)
    inode = (out / "satisfaction.html").stat().st_ino
    done = cli("build", built["path"], "--out", out, "--force", tmp=tmp_path / "tmp",
               script=_patched("_write_file", "raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))", at))
    assert done.returncode == 2
    assert done.stderr == (f"error: cannot write {out}/: No space left on device; the previous "
                           f"reports are unchanged in {out}/\n")
    _check_after(done, out, tmp_path / "tmp", built["set"], False, inode)


def test_a_full_disk_at_a_first_build_leaves_no_folder(built, tmp_path):
    out = tmp_path / "out"
    done = cli("build", built["path"], "--out", out, tmp=tmp_path / "tmp",
               script=_patched("_write_file", "raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))", 3))
    assert done.returncode == 2
    assert done.stderr.endswith(f"; nothing was written to {out}/\n")
    assert not out.exists() and leftovers(out) == []


@pytest.mark.parametrize("step, at, twice, expect_new, how", [
    ("_write_file", 1, False, False, "SIGINT"),  # Ctrl-C while the first file is written
    ("_write_file", 4, True, False, "SIGINT"),   # ... and a second one during the clean-up
    ("_fsync_dir", 1, True, False, "SIGINT"),    # just before the switch, twice
    ("_write_file", 2, False, False, "SIGTERM"),
])
def test_ctrl_c_during_the_write_phase(built, tmp_path, step, at, twice, expect_new, how):
    out = copy_of(built, tmp_path)
    inode = (out / "satisfaction.html").stat().st_ino
    action = f"os.kill(os.getpid(), signal.{how}); import time; time.sleep(0.5)"
    script = _patched(step, action, at)
    if twice:  # a second Ctrl-C as the staging folder is removed
        script += ("_rm = output._remove\n"
                   "def _remove(path):\n"
                   "    os.kill(os.getpid(), signal.SIGINT); import time; time.sleep(0.2)\n"
                   "    return _rm(path)\n"
                   "output._remove = _remove\n")
    done = cli("build", built["path"], "--out", out, "--force", tmp=tmp_path / "tmp", script=script)
    assert done.returncode == 130, done.stderr
    assert done.stderr == f"interrupted: the previous reports are unchanged in {out}/\n"
    _check_after(done, out, tmp_path / "tmp", built["set"], expect_new, inode)


def test_ctrl_c_right_after_the_switch_says_the_new_reports_are_in_place(built, tmp_path):
    out = copy_of(built, tmp_path)
    inode = (out / "satisfaction.html").stat().st_ino
    script = ("import os, signal\nfrom sqmreport.build import output\n_real = output._switch\n"
              "def _switch(*a):\n"
              "    result = _real(*a)\n"
              "    os.kill(os.getpid(), signal.SIGINT); os.kill(os.getpid(), signal.SIGINT)\n"
              "    import time; time.sleep(0.5)\n"
              "    return result\n"
              "output._switch = _switch\n")
    done = cli("build", built["path"], "--out", out, "--force", tmp=tmp_path / "tmp", script=script)
    assert done.returncode == 130
    assert done.stderr == f"interrupted: the new reports are in place in {out}/\n"
    _check_after(done, out, tmp_path / "tmp", built["set"], True, inode)


def test_a_killed_build_leaves_its_scratch_and_the_next_build_sweeps_it(built, tmp_path):
    out = copy_of(built, tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "sqmreport", "build", str(built["path"]),
                                "--out", str(out), "--force", "--progress"], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "TMPDIR": str(tmp)})
    try:
        while not process.stderr.readline().endswith(": building\n"):
            assert process.poll() is None, "the build ended before its notebook started"
        folders = [p for p in tmp.iterdir() if p.name.startswith(f"sqmreport-{process.pid}-")]
        surveys = [p for f in folders for p in f.rglob("survey.pickle")]
        assert surveys, folders
        assert all(f.stat().st_mode & 0o777 == 0o700 for f in folders)  # private
    finally:
        process.kill()
        process.communicate()
    assert all(f.exists() for f in folders)  # SIGKILL runs no code: left behind ...
    assert snapshot(out) == built["set"]
    deadline = time.monotonic() + 10  # (its kernels exit when their template goes)
    done = cli("build", built["path"], "--out", out, tmp=tmp)  # ... until the next build
    while time.monotonic() < deadline and any(f.exists() for f in folders):
        time.sleep(0.2)
    assert done.returncode == 0, done.stderr
    assert not any(f.exists() for f in folders)
    assert snapshot(out) == built["set"] and leftovers(out) == []


def test_the_sweep_removes_only_folders_of_builds_that_are_gone(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        start = scratch._start_time(alive.pid)
        folders = {
            "gone": tmp_path / f"sqmreport-{gone.pid}-{start}-1",
            "alive": tmp_path / f"sqmreport-{alive.pid}-{start}-1",
            "reused pid": tmp_path / f"sqmreport-{alive.pid}-zzzz-1",  # another process had it
            "other name": tmp_path / "sqmreport-template-abc",
        }
        for folder in folders.values():
            folder.mkdir()
        mine = scratch.make()
        assert mine.stat().st_mode & 0o777 == 0o700
        assert not folders["gone"].exists() and not folders["reused pid"].exists()
        assert folders["alive"].exists() and folders["other name"].exists() and mine.exists()
        scratch.remove(mine)
        assert not mine.exists()
    finally:
        alive.kill()
        alive.wait()


def test_a_failed_first_build_leaves_no_folder_and_no_index(tmp_path):
    import shutil

    import nbformat

    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO / "sqmreport" / "notebooks", notebooks)
    nb = nbformat.read(notebooks / "satisfaction.ipynb", as_version=4)
    nb.cells[5].source = "1 / 0"
    nbformat.write(nb, notebooks / "satisfaction.ipynb")
    path = study_at(tmp_path / "study")
    with pytest.raises(render.BuildError, match="ZeroDivisionError"):
        render.build(path, out=tmp_path / "out", notebooks=notebooks)
    assert not (tmp_path / "out").exists() and leftovers(tmp_path / "out") == []


def test_the_reports_describe_the_bytes_they_were_computed_from(built, tmp_path):
    """Each input is read once, at planning: a file changed during the build does not reach
    the reports, whose stamp and footer hash the bytes they were computed from."""
    import json
    import shutil

    study = tmp_path / "study"
    shutil.copytree(built["path"].parent, study)
    survey = study / "survey.csv"
    original = survey.read_bytes()
    changed = small_survey(seed=99)

    def log(line):
        if "data checked" in line:  # the notebooks have not started
            changed.to_csv(survey, index=False)

    render.build(study / "study.yml", out=tmp_path / "out", log=log)
    assert survey.read_bytes() != original
    digest = hashlib.sha256(original).hexdigest()
    stamp = json.loads((tmp_path / "out" / ".build.json").read_text())
    assert stamp["reports"]["satisfaction"]["inputs"]["survey.csv"] == digest
    assert digest in (tmp_path / "out" / "satisfaction.html").read_text(encoding="utf-8")
    tables = {k: v for k, v in snapshot(tmp_path / "out").items() if k.startswith("tables/")}
    assert tables == {k: v for k, v in built["set"].items() if k.startswith("tables/")}
    assert [b.rebuilt for b in render.build(study / "study.yml", out=tmp_path / "out")] == [True]
