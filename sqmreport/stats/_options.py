"""The option vocabulary shared by every statistic: one name, one set of values.

``p_adjust``
    Multiple-comparison adjustment of p-values: ``"holm"``, ``"bonferroni"``,
    ``"bh"`` (Benjamini-Hochberg) or ``"none"``.
``correlation``
    The correlations analysed: ``"pearson"`` or ``"polychoric"``.
``missing``
    Missing answers: ``"pairwise"`` (every pair of variables over the rows that
    have both) or ``"listwise"`` (complete rows only).
``confidence``
    Level of a confidence interval, strictly between 0 and 1 (0.95 by default).
"""

from __future__ import annotations

from sqmreport._validation import InputError, check_option

P_ADJUST = ("holm", "bonferroni", "bh", "none")
CORRELATIONS = ("pearson", "polychoric")
MISSING = ("pairwise", "listwise")


def check_confidence(confidence) -> None:
    """Raise :class:`~sqmreport.InputError` unless ``0 < confidence < 1``."""
    try:
        ok = 0 < float(confidence) < 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise InputError(f"`confidence` must be between 0 and 1 (exclusive), got {confidence!r}")


def check_p_adjust(p_adjust) -> None:
    check_option("p_adjust", p_adjust, P_ADJUST)


def check_correlation(correlation) -> None:
    check_option("correlation", correlation, CORRELATIONS)


def check_missing(missing) -> None:
    check_option("missing", missing, MISSING)
