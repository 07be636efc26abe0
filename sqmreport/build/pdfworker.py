"""The process a build lays its PDFs out in (:func:`sqmreport.build.render`): its start.

Kept apart from the build's modules so that the process imports only what a PDF needs
(a spawned process imports the module of its initializer first)."""

from __future__ import annotations

import contextlib
import os
import signal


def start() -> None:
    """Ignore Ctrl-C (the build stops the process, with no traceback of its own), yield to
    the notebooks, and load WeasyPrint and Pango's fonts before the first PDF."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Behind the notebooks: a PDF takes the time they leave, and the last study's notebooks
    # (which its PDF waits for) are not slowed by the one before's.
    with contextlib.suppress(OSError):
        os.nice(10)
    from sqmreport.present.deliverables.pdf import warm_up

    warm_up()
