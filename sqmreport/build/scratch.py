"""The build's private scratch folders in the temporary directory, and the sweep of those
that a killed build left.

Everything a build writes outside the report folder goes into folders named
``sqmreport-<pid>-<start>-<n>`` in the temporary directory (:func:`tempfile.gettempdir`):
``<pid>`` is the building process, ``<start>`` its start time (so that a reused pid is
not taken for the build), ``<n>`` a counter.  Each is created with mode 0700 (only the
user who runs the build can enter it): it holds the pickled, respondent-level survey
each report's kernel starts from, the kernels' sockets, connection files and logs, and
the notebooks' tables before they are copied into the report folder.

A folder is removed when its build ends, on every way out that runs code (normal end,
error, Ctrl-C, SIGTERM through the command line).  A build that could not run code
(SIGKILL, a power cut) leaves it; the next build, of any study, removes the folders of
builds whose process is gone and that belong to the same user (:func:`sweep`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import stat
import tempfile
import threading
from pathlib import Path

__all__ = ["PREFIX", "folder", "make", "sweep"]

PREFIX = "sqmreport-"
_NAME = re.compile(r"sqmreport-(\d+)-([0-9a-z]+)-[a-z]*\d+")
_counter = itertools.count(1)
_mine = set()  # folders of this process still in use
_lock = threading.Lock()


def _start_time(pid: int) -> str | None:
    """The process's start time (clock ticks since boot, base 36), or None if there is no
    such process; "0" where the system does not say (no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return _base36(int(fields[19]))
    except FileNotFoundError:
        return None
    except (OSError, IndexError, ValueError):
        return "0"


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def make(tag: str = "") -> Path:
    """A new private folder (mode 0700) of this process in the temporary directory."""
    sweep()
    base = Path(tempfile.gettempdir())
    pid = os.getpid()
    start = _start_time(pid) or "0"
    while True:
        path = base / f"{PREFIX}{pid}-{start}-{tag}{next(_counter)}"
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        with _lock:
            _mine.add(path)
        return path


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    with _lock:
        _mine.discard(path)


@contextlib.contextmanager
def folder(tag: str = ""):
    """A private folder for the duration of the ``with`` block, removed at its end."""
    path = make(tag)
    try:
        yield path
    finally:
        remove(path)


def _alive(pid: int, start: str) -> bool:
    if pid == os.getpid():
        return start == (_start_time(pid) or "0")  # this process's: never swept
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process of that pid: alive
    now = _start_time(pid)
    if now is None:
        return False
    return now == start or now == "0" or start == "0"


def sweep() -> list[Path]:
    """Remove the scratch folders of builds that are gone (this user's only); return them."""
    base = Path(tempfile.gettempdir())
    removed = []
    try:
        entries = list(base.glob(f"{PREFIX}*"))
    except OSError:
        return removed
    for entry in entries:
        found = _NAME.fullmatch(entry.name)
        if found is None:
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            continue
        with _lock:
            if entry in _mine:
                continue
        if _alive(int(found.group(1)), found.group(2)):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed
