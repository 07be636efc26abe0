"""Every input file's bytes, read in one place.

The data layer reads each study file and data file through :func:`read_bytes`.
A build can read its inputs once, hash what it read and :func:`pin` those bytes,
so that every later read in the process (its checks, the kernels it forks) parses
exactly the bytes that were hashed, even if a file changes on disk meanwhile.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "a.csv").write_bytes(b"x\\n1\\n")
4
>>> pin({folder / "a.csv": b"x\\n2\\n"})
>>> read_bytes(folder / "a.csv")
b'x\\n2\\n'
>>> unpin()
>>> read_bytes(folder / "a.csv")
b'x\\n1\\n'
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

from sqmreport._validation import InputError

__all__ = ["pin", "pinned", "read_bytes", "unpin"]

_PINNED: dict[Path, bytes] = {}


def _key(path) -> Path:
    return Path(path).resolve()


def pin(contents: Mapping[Path, bytes]) -> None:
    """From now on, :func:`read_bytes` returns these bytes for these files (paths are
    resolved, so any spelling of the same file matches).  Adds to what is pinned already."""
    for path, data in contents.items():
        _PINNED[_key(path)] = bytes(data)


def unpin(paths: Iterable[Path] | None = None) -> None:
    """Read these files (default: every file) from the disk again."""
    if paths is None:
        _PINNED.clear()
        return
    for path in paths:
        _PINNED.pop(_key(path), None)


def pinned() -> Mapping[Path, bytes]:
    """The pinned files and their bytes (read-only)."""
    return MappingProxyType(_PINNED)


def read_bytes(path, *, shown: str | None = None) -> bytes:
    """The bytes of ``path``: the pinned ones if it is pinned, else the file's on disk.

    Raises
    ------
    InputError
        Naming the file as ``shown`` (default: its name) when it cannot be read: not
        found, a folder, permission denied, or another error of the operating system.
    """
    path = Path(path)
    if _PINNED:
        found = _PINNED.get(_key(path))
        if found is not None:
            return found
    shown = shown or path.name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=shown) from None
    except PermissionError:
        raise InputError("cannot be read: permission denied (check the file's permissions)",
                         file=shown) from None
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
        if exc.errno == errno.EISDIR:
            reason = "is a folder, not a file"
        raise InputError(f"cannot be read: {reason}", file=shown) from None
