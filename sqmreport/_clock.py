"""The build time, fixed by ``SOURCE_DATE_EPOCH`` for reproducible builds."""

from __future__ import annotations

import datetime as dt
import os

__all__ = ["now"]


def now() -> dt.datetime:
    """The current UTC time, or ``SOURCE_DATE_EPOCH`` when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC)
