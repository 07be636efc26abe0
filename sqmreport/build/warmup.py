"""Run in each report's kernel by the build before the notebook's first cell (not a cell of
the notebook): hand the kernel the survey the build has read and checked."""

from __future__ import annotations

import pickle

from sqmreport.data.survey import remember

__all__ = ["remember_pickled"]


def remember_pickled(path: str) -> None:
    """Load the survey pickled at ``path`` (by the build, in its private scratch folder) and
    :func:`~sqmreport.data.survey.remember` it for ``load_survey``."""
    with open(path, "rb") as f:
        remember(pickle.load(f))
