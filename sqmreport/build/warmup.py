"""Run in each report's kernel by the build before the notebook's first cell (not a cell of
the notebook): hand the kernel the survey the build has read and checked, and the bytes of
the study's inputs as the build read and hashed them."""

from __future__ import annotations

import pickle
from pathlib import Path

from sqmreport.data.inputs import pin
from sqmreport.data.survey import remember

__all__ = ["remember_pickled"]


def remember_pickled(path: str) -> None:
    """Load what the build pickled at ``path`` (in its private scratch folder): pin the
    inputs' bytes (:func:`sqmreport.data.inputs.pin`: every file the notebook reads is the
    one the stamp and the footer describe) and :func:`~sqmreport.data.survey.remember` the
    survey for ``load_survey``, as checked: the survey file's own bytes are not handed over,
    since the kernel never reads that file (a kernel holding a large survey twice would
    double its memory)."""
    with open(path, "rb") as f:
        cached = pickle.load(f)
    if isinstance(cached, dict):
        pin({Path(name): data for name, data in cached["pinned"].items()})
        cached = cached["survey"]
    remember(cached, checked=True)
