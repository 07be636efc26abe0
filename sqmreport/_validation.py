"""Input checks shared by all modules.

Every mistake a user can make with a study file or a data file becomes an
:class:`InputError` whose message names the file, the column and the first
offending rows.  The CLI prints it as one line and exits with code 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = ["Degenerate", "InputError", "check_option", "describe_rows", "section"]

_ROWS_SHOWN = 5


class InputError(ValueError):
    """A study file, a data file or a setting that cannot be used as it is.

    Parameters
    ----------
    message : str
        What is wrong, in one line.
    file : str, optional
        The file at fault, as the user named it (no absolute path).
    column : str, optional
        The column (or study-file key) at fault.
    rows : sequence of int, optional
        Spreadsheet-style row numbers of the offending rows (the header is
        row 1, so the first respondent is row 2).
    """

    def __init__(self, message: str, *, file: str | None = None,
                 column: str | None = None, rows: Sequence[int] = ()):
        self.file = file
        self.column = column
        self.rows = list(rows)
        self.detail = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.column:
            where.append(f"column {self.column}")
        text = ", ".join(where)
        text = f"{text}: {self.detail}" if text else self.detail
        if self.rows:
            text += f" ({describe_rows(self.rows)})"
        return text


class Degenerate(InputError):
    """Valid data that a statistic cannot be computed from (no variance, collinear items,
    too few cases, a fit that does not converge).

    A report shows it in place of the section it affects, in the study's language:
    ``key`` names the kind (``problems.<key>`` in the locale files) and ``values``
    fill its placeholders.
    """

    def __init__(self, key: str, message: str, **values):
        self.key = key
        self.values = values
        super().__init__(message)


def describe_rows(rows: Iterable[int]) -> str:
    """``rows 12, 40, 41`` with at most five rows listed, then ``and N more``."""
    rows = sorted(int(r) for r in rows)
    shown = ", ".join(str(r) for r in rows[:_ROWS_SHOWN])
    rest = len(rows) - _ROWS_SHOWN
    word = "row" if len(rows) == 1 else "rows"
    return f"{word} {shown}" + (f" and {rest} more" if rest > 0 else "")


def check_option(name: str, value, options: Iterable) -> None:
    """Raise :class:`InputError` unless ``value`` is one of ``options``."""
    options = tuple(options)
    if value not in options:
        listed = ", ".join(repr(o) for o in options)
        raise InputError(f"`{name}` must be one of {listed}, got {value!r}")


def section(problems: dict, name: str, compute):
    """Run one section's computation; on :class:`Degenerate` data record why and return None.

    ``problems`` maps section names to the :class:`Degenerate` that stopped them,
    so a report can explain the section instead of failing.
    """
    import numpy as np

    try:
        return compute()
    except Degenerate as exc:
        problems.setdefault(name, exc)
    except np.linalg.LinAlgError as exc:
        problems.setdefault(name, Degenerate("singular", f"the computation failed: {exc}"))
    return None
