"""A study's report folder, replaced as a whole: a reader sees all the old reports or all
the new ones, never a mix, and a failed build leaves the folder as it was.

The protocol, for the report folder ``<parent>/<name>``:

1. **Lock.**  ``<parent>/.<name>.sqmreport-lock`` is locked with flock(2) for the whole
   build; it holds the builder's pid.  A second build into the same folder does not wait:
   it stops at once with "another build is writing <folder> (pid N)" (exit code 2),
   before it has read or written anything there.  The kernel frees the lock when the
   process ends, however it ends; a build that ends normally also removes the file.
2. **Recover.**  Under the lock, what a build that died left beside the folder is cleaned
   up: a staging folder ``.<name>.sqmreport-new-<pid>-<id>`` is removed; an
   ``.<name>.sqmreport-old-<pid>-<id>`` (left only by the two-rename fallback of step 4)
   is renamed back to ``<name>`` if ``<name>`` is missing (the switch did not finish, the
   old set stands), else removed.
3. **Stage.**  The whole new set (every report page, ``tables/``, ``index.html`` and the
   stamp ``.build.json``, the stamp last) is written into the staging folder, beside the
   report folder (same parent, so the same filesystem); the reports that did not change
   are hard links to the old files (copies where the filesystem has none).  Every file is
   fsynced, then the staging folder.
4. **Switch.**  One ``renameat2(RENAME_EXCHANGE)`` swaps the staging folder and the report
   folder atomically (a plain rename when there was no report folder yet); the old set,
   now under the staging name, is then removed.  Where the filesystem cannot exchange two
   names, two renames: ``<name>`` to ``.<name>.sqmreport-old-…``, then the staging folder
   to ``<name>``; a build that dies between the two leaves no ``<name>`` until the next
   build's step 2 puts the old set back.

So at every instant ``<name>`` is the old set or the new set.  Readers holding an old file
open keep reading it: old files are unlinked, never changed.  A failure (a notebook, a full
disk) or an interrupt before the switch removes the staging folder and leaves the report
folder as it was -- at a first build, absent: never an index pointing at missing pages.

The folder belongs to the build, which replaces it as a whole: the stamp lists every file
of the set.  A folder that holds anything else (a file the stamp does not list, or any
file at all when there is no stamp) is refused, never emptied: move the file away or
build into another folder.  So is a folder that contains one of the study's inputs or lies
inside one (:func:`check_apart`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import stat
from pathlib import Path

__all__ = ["STAMP", "Output", "OutputError", "Stopped", "check_apart"]

STAMP = ".build.json"
_TAG = ".sqmreport-"  # .<name>.sqmreport-lock, -new-<pid>-<id>, -old-<pid>-<id>
_CANNOT_EXCHANGE = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}
_NO_LINK = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES}


class OutputError(Exception):
    """The report folder cannot be used or written; the message is one line for the user."""


class Stopped(Exception):
    """The build was interrupted before the switch: the report folder was not touched."""


def shown_path(path: Path) -> str:
    """A path as a user would type it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except (OSError, ValueError):
        return str(path)


def check_apart(folder: Path, shown: str, inputs) -> None:
    """Refuse a report folder that contains one of ``inputs`` ((what, path) pairs: the
    study's files, the notebooks' folder) or lies inside one; symlinks are resolved."""
    out = Path(folder).resolve()
    if out.parent == out:
        raise OutputError(f"{shown} cannot be a report folder: the build replaces the folder "
                          "as a whole")
    for what, path in inputs:
        path = Path(path).resolve()
        if path == out or out in path.parents:
            raise OutputError(f"the report folder {shown} contains {what} {shown_path(path)}, "
                              "which the build reads: build into another folder (--out)")
        if out.is_relative_to(path):
            raise OutputError(f"the report folder {shown} is inside {what} {shown_path(path)}: "
                              "build into another folder (--out)")


class Output:
    """A report folder locked for one build (see the module's protocol)."""

    def __init__(self, folder: Path, shown: str):
        self.folder = Path(folder)  # absolute, symlinks resolved
        self.shown = shown
        self.existed = False  # was there a report folder when the build started?
        self._fd = None
        self._staged = set()  # (device, inode) of this build's staging folders

    @property
    def lock_path(self) -> Path:
        return self.folder.parent / f".{self.folder.name}{_TAG}lock"

    def lock(self) -> None:
        """Take the folder (step 1), clean up after a dead build (step 2) and check that the
        folder can be replaced: a folder, writable, holding only the build's files."""
        try:
            self.folder.parent.mkdir(parents=True, exist_ok=True)
            self._fd = _flock(self.lock_path, self.shown)
            self._recover()
        except OSError as exc:
            self.release()
            raise OutputError(f"cannot write {self.shown}: {_reason(exc)}") from None
        try:
            self._check()
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.lock_path.unlink()  # while still holding it: see _flock
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None

    def _recover(self) -> None:
        prefix = f".{self.folder.name}{_TAG}"
        left = sorted(p for p in self.folder.parent.iterdir()
                      if p.name.startswith(prefix) and p.name != self.lock_path.name)
        old = [p for p in left if p.name.startswith(f"{prefix}old-")]
        if old and not os.path.lexists(self.folder):
            os.rename(old[-1], self.folder)
            left.remove(old[-1])
        for path in left:
            _remove(path)

    def _check(self) -> None:
        folder, shown = self.folder, self.shown
        if os.path.lexists(folder) and not folder.is_dir():
            raise OutputError(f"{shown.rstrip('/')} is a file, not a folder: give --out a folder")
        if not os.access(folder.parent, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write {shown}: its folder {shown_path(folder.parent)} "
                              "is read-only")
        self.existed = folder.is_dir()
        if not self.existed:
            return
        for path in (folder, folder / "tables"):
            if path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
                raise OutputError(f"{shown_path(path)} is read-only: its reports cannot be "
                                  "replaced")
        foreign = _foreign(folder)
        if foreign:
            more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
            raise OutputError(f"{shown} holds {foreign[0]}{more}, which sqmreport did not write; "
                              "the build replaces the folder as a whole: move it away or "
                              "build into another folder (--out)")

    def stage(self) -> Staging:
        return Staging(self)

    @property
    def replaced(self) -> bool:
        """Is the report folder now one this build staged?"""
        try:
            info = os.stat(self.folder)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) in self._staged

    def state(self) -> str:
        """What the report folder holds now, in words."""
        if self.replaced:
            return f"the new reports are in place in {self.shown}"
        if self.existed:
            return f"the previous reports are unchanged in {self.shown}"
        return f"nothing was written to {self.shown}"


class Staging:
    """The new set, being written beside the report folder (step 3)."""

    def __init__(self, output: Output):
        self.output = output
        folder = output.folder
        self.path = folder.parent / f".{folder.name}{_TAG}new-{os.getpid()}-{os.urandom(4).hex()}"
        self.files = []
        self._leftover = self.path  # what discard() removes
        try:
            _mkdir(self.path, folder if output.existed else None)
            info = os.stat(self.path)
        except BaseException:
            self.discard()
            raise
        output._staged.add((info.st_dev, info.st_ino))

    def _parent(self, relative: str) -> Path:
        path = self.path / relative
        if path.parent != self.path and not path.parent.is_dir():
            old = self.output.folder / relative
            _mkdir(path.parent, old.parent if self.output.existed and old.parent.is_dir() else None)
        return path

    def write(self, relative: str, data: bytes) -> None:
        _write_file(self._parent(relative), data)
        self.files.append(relative)

    def carry(self, relative: str) -> None:
        """The old set's file, unchanged, into the new set."""
        _carry_file(self.output.folder / relative, self._parent(relative))
        self.files.append(relative)

    def commit(self, control) -> None:
        """Switch (step 4), unless ``control`` says the build was stopped: then raise
        :class:`Stopped`.  ``control.lock`` is held while deciding and switching, so that
        an interrupt either comes before the switch (and prevents it) or after it."""
        for folder in {(self.path / f).parent for f in self.files} | {self.path}:
            _fsync_dir(folder)
        with control.lock:
            if control.stopped:
                raise Stopped
            self._leftover = _switch(self.path, self.output.folder)
        _fsync_dir(self.output.folder.parent)

    def discard(self) -> None:
        """Remove the staging folder, or after the switch the old set (under the staging
        name, or the -old- name of the fallback)."""
        for path in (self._leftover, _old_name(self.path)):
            if path is not None and os.path.lexists(path):
                _remove(path)


# -- the steps that touch the disk, one function each (the tests make each fail in turn) --------

def _mkdir(path: Path, like: Path | None) -> None:
    """A new folder; with the mode of ``like`` (the old set's folder), if given."""
    os.mkdir(path)
    if like is not None:
        os.chmod(path, stat.S_IMODE(os.stat(like).st_mode))


def _write_file(path: Path, data: bytes) -> None:
    """A new file holding ``data``, synced; its mode 0666 less the umask, as any file's."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _carry_file(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
        shutil.copy2(source, target, follow_symlinks=False)
        fd = os.open(target, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    finally:
        os.close(fd)


def _switch(staging: Path, folder: Path) -> Path | None:
    """Put ``staging`` in the place of ``folder``; return where the old set now is (None:
    there was none)."""
    if not os.path.lexists(folder):
        os.rename(staging, folder)
        return None
    try:
        _exchange(staging, folder)
        return staging
    except OSError as exc:
        if exc.errno not in _CANNOT_EXCHANGE:
            raise
    old = _old_name(staging)
    os.rename(folder, old)
    try:
        os.rename(staging, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    return old


def _old_name(staging: Path) -> Path:
    """Where the fallback of :func:`_switch` puts the old set: the staging name, -old-."""
    return staging.with_name(staging.name.replace(f"{_TAG}new-", f"{_TAG}old-", 1))


_renameat2 = None


def _exchange(a: Path, b: Path) -> None:
    """Swap two names atomically: renameat2(2) with RENAME_EXCHANGE (Linux 3.15, glibc 2.28)."""
    global _renameat2
    if _renameat2 is None:
        try:
            _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        except (AttributeError, OSError):
            _renameat2 = False
    if not _renameat2:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_cwd, exchange = -100, 2  # AT_FDCWD, RENAME_EXCHANGE
    if _renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), exchange) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


def _remove(path: Path) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


# -- the lock ------------------------------------------------------------------------------------

def _flock(path: Path, shown: str) -> int:
    """Lock ``path`` (created if need be) without waiting; write this process's pid in it.

    The holder removes the file before it lets go; a build that opened the file just before
    that would then hold a lock on a file no longer there, so the lock counts only if the
    file at ``path`` is still the one locked."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            pid = f" (pid {holder})" if holder.isdigit() else ""
            raise OutputError(f"another build is writing {shown}{pid}; try again when it "
                              "has finished") from None
        except BaseException:
            os.close(fd)
            raise
        try:
            mine, there = os.fstat(fd), os.stat(path)
            if (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                return fd
        except FileNotFoundError:
            pass
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _foreign(folder: Path) -> list[str]:
    """Files in ``folder`` that sqmreport did not write (relative paths): those the stamp
    does not list; with an earlier stamp that lists no files, what is not a page (``*.html``)
    or in ``tables/``; without a stamp, everything."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except FileNotFoundError:
        stamp = None
    except (OSError, ValueError):
        stamp = {}
    listed = None
    if isinstance(stamp, dict) and isinstance(stamp.get("files"), list):
        listed = {f for f in stamp["files"] if isinstance(f, str)}

    def ours(relative: str) -> bool:
        name = relative.rsplit("/", 1)[-1]
        if stamp is None:
            return False
        if relative == STAMP or (name.startswith(".") and name.endswith(".partial")):
            return True  # the stamp; a file an earlier version was writing when killed
        if listed is not None:
            return relative in listed
        return relative.endswith(".html") and "/" not in relative or relative.startswith("tables/")

    found = []
    for entry in sorted(folder.iterdir()):
        kind = entry.lstat().st_mode
        if entry.name == "tables" and stat.S_ISDIR(kind):
            for table in sorted(entry.iterdir()):
                relative = f"tables/{table.name}"
                if not (stat.S_ISREG(table.lstat().st_mode) and ours(relative)):
                    found.append(relative + ("/" if table.is_dir() else ""))
        elif not (stat.S_ISREG(kind) and ours(entry.name)):
            found.append(entry.name + ("/" if stat.S_ISDIR(kind) else ""))
    return found


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
