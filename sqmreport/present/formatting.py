"""The one number formatter of the reports: every table, figure and sentence writes a
number the same way (kept apart from :mod:`sqmreport.present.report`, which draws with
:mod:`sqmreport.present.plots`, and from the plots, which write numbers with it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KINDS", "MINUS", "format_number"]


MINUS = "\u2212"  # the true minus sign: a hyphen is shorter than a plus and breaks lines

#: kind -> (decimals, explicit plus sign, multiplied by 100 and shown with "%").
_KINDS = {"count": (0, False, False), "df": (0, False, False), "mean": (2, False, False),
          "coefficient": (3, False, False), "index": (1, False, False),
          "index_change": (1, True, False), "gap": (2, True, False), "nps": (0, True, False),
          "percent": (1, False, True), "percent_change": (1, True, True), "p": (3, False, False),
          "precise": (4, False, False), "level": (1, False, False), "plain": (2, False, False)}
KINDS = tuple(_KINDS)
#: Kinds whose trailing zeros are dropped: a number as the study file gives it.
_TRIMMED = {"level", "plain"}


def format_number(value, kind: str = "mean") -> str:
    """A number as every table, figure and sentence of a report shows it.

    Parameters
    ----------
    value : number or None
        Missing values (None, NaN, ``pd.NA``) are shown as an em dash.
    kind : str
        ``count`` (an integer, with thousands separators), ``df`` (degrees of freedom:
        an integer, one decimal when fractional as in Welch's test), ``mean`` (two
        decimals), ``coefficient`` (three decimals: correlations, reliabilities, loadings),
        ``index`` (one decimal: 0-100 indexes, hours), ``index_change`` (the same, signed),
        ``gap`` (two decimals, signed: gaps, differences, changes), ``nps`` (a signed
        integer score), ``percent`` (a share 0-1 shown as a percentage with one decimal),
        ``percent_change`` (a relative difference, signed, in %), ``p`` (three decimals,
        "<0.001" below 0.001), ``precise`` (four decimals: a smallest eigenvalue, a
        correlation that rounds to 1.00), ``level`` (a confidence level or percentile
        given in percent: "95", "99.5"), ``plain`` (a number as the study file gives it: a
        scale end, a target, hours: "7", "0.5", "48").

    Returns
    -------
    str
        Negative numbers carry a true minus sign (U+2212); a signed kind shows "+" above
        zero; a number that rounds to zero is shown without a sign (never "−0.0").

    Raises
    ------
    ValueError
        For an unknown ``kind``.

    Examples
    --------
    >>> [format_number(v, k) for v, k in [(1234.0, "count"), (131.0, "df"), (118.86, "df")]]
    ['1,234', '131', '118.9']
    >>> [format_number(v, "p") for v in (0.0004, 0.0123, 1.0)]
    ['<0.001', '0.012', '1.000']
    >>> [format_number(v, "gap") for v in (-0.0512, 0.3, -0.001)]
    ['−0.05', '+0.30', '0.00']
    >>> format_number(12.698, "nps"), format_number(0.192, "percent"), format_number(-0.381, "percent_change")
    ('+13', '19.2%', '−38.1%')
    >>> format_number(95.0, "level"), format_number(7, "plain"), format_number(-0.00081, "precise")
    ('95', '7', '−0.0008')
    """
    if kind not in _KINDS:
        raise ValueError(f"`kind` must be one of {', '.join(_KINDS)}, got {kind!r}")
    if value is None or value is pd.NA or value is pd.NaT:
        return "—"
    number = float(value)
    if np.isnan(number):
        return "—"
    if np.isinf(number):
        return ("" if number > 0 else MINUS) + "∞"
    decimals, signed, percent = _KINDS[kind]
    if kind == "p" and number < 0.001:
        return "<0.001"
    if percent:
        number *= 100
    if kind == "df" and abs(number - round(number)) >= 0.05:
        decimals = 1
    shown = f"{abs(number):,.{decimals}f}"
    if kind in _TRIMMED and "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    if not any(c in "123456789" for c in shown):  # rounds to zero: no sign
        sign = ""
    elif number < 0:
        sign = MINUS
    else:
        sign = "+" if signed else ""
    return f"{sign}{shown}{'%' if percent else ''}"
