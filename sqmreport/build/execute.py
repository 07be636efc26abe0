"""Executing one report notebook through papermill's and nbclient's public APIs.

papermill injects the parameters (:func:`papermill.parameterize.parameterize_notebook`),
nbclient runs the cells (:class:`nbclient.NotebookClient`) in a kernel whose manager the
build makes (``km=``): a kernel spec that selects the ``sqmreport-fork`` provisioner
(:mod:`sqmreport.build.provisioner`), a local socket transport in the report's scratch
folder, and the kernel's own stdout and stderr in a log file there.  Nothing is read or
written through papermill's file handling, which changes the process's working directory
and so is not safe with notebooks running in parallel threads.

Before the first cell, the kernel is handed the survey the build has read and checked
(:func:`sqmreport.data.survey.remember`), through the kernel client: it is not a cell of
the notebook, and leaves nothing in its namespace.
"""

from __future__ import annotations

import asyncio
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CellFailed", "Executed", "KernelDied", "execute", "lost_outputs"]

INJECTED = "injected-parameters"  # papermill's tag on the cell it adds
_TAIL = 20  # lines of a dead kernel's stderr shown in the error


class CellFailed(Exception):
    """A cell raised: ``cell`` is its number among the notebook's code cells."""

    def __init__(self, cell: int, ename: str, evalue: str):
        super().__init__(f"cell {cell}: {ename}: {evalue}")
        self.cell, self.ename, self.evalue = cell, ename, evalue


class KernelDied(Exception):
    """The kernel exited while running ``cell`` (None: before the first); ``stderr`` is
    the end of what it wrote to its standard error."""

    def __init__(self, cell: int | None, stderr: str):
        where = f"cell {cell}: " if cell is not None else ""
        said = f"; its last words on stderr:\n{stderr}" if stderr else " (it wrote nothing to stderr)"
        super().__init__(f"{where}the kernel died{said}")
        self.cell, self.stderr = cell, stderr


@dataclass(frozen=True)
class Executed:
    """An executed notebook and the warnings about its cells' output (see :func:`lost_outputs`)."""

    nb: object
    warnings: list


def code_cell_numbers(nb) -> dict:
    """{cell index: number} of the code cells as their author numbers them: the first code
    cell of the notebook is 1, and papermill's injected parameters cell has no number."""
    numbers, n = {}, 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and INJECTED not in cell.metadata.get("tags", []):
            n += 1
            numbers[index] = n
    return numbers


def execute(notebook: Path, parameters: dict, *, scratch: Path, specs, kernel_name: str,
            survey: str | None = None, env: dict | None = None) -> Executed:
    """Execute ``notebook`` with ``parameters`` in a new kernel; return it executed.

    Parameters
    ----------
    notebook : Path
    parameters : dict
        Injected after the cell tagged ``parameters``, as papermill does.
    scratch : Path
        A private folder: the kernel's sockets, connection file, working directory and
        log (``kernel.log``) go there.
    specs : KernelSpecManager
        Where ``kernel_name`` is found (:func:`sqmreport.build.provisioner.kernel_specs`).
    survey : str, optional
        A pickled, checked survey the kernel is to :func:`~sqmreport.data.survey.remember`.
    env : dict, optional
        The kernel's environment (default: this process's).

    Raises
    ------
    CellFailed
        A cell raised an exception.
    KernelDied
        The kernel exited; the error carries the end of its stderr.
    """
    import nbformat
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(notebook, as_version=4)
    # What papermill's own reader (papermill.iorw.load_notebook_node) adds: parameterize
    # expects it.
    nb.metadata.setdefault("papermill", {})
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, parameters, report_mode=True, kernel_name="python3",
                               language="python")
    numbers = code_cell_numbers(nb)
    log = scratch / "kernel.log"
    running = {"cell": None}
    try:
        asyncio.run(_run(nb, scratch, specs, kernel_name, survey, env or dict(os.environ), log,
                         lambda index: running.update(cell=numbers.get(index))))
    except CellFailed:
        raise
    except Exception as exc:
        from nbclient.exceptions import CellExecutionError, DeadKernelError

        if isinstance(exc, CellExecutionError):
            raise CellFailed(running["cell"], exc.ename, exc.evalue) from None
        if isinstance(exc, DeadKernelError) or "died" in str(exc).lower():
            raise KernelDied(running["cell"], _tail(log)) from None
        raise
    return Executed(nb, lost_outputs(nb, notebook.name))


async def _run(nb, scratch: Path, specs, kernel_name: str, survey, env: dict, log: Path,
               started) -> None:
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    # Local socket files, not TCP ports: no port clashes between parallel builds, nothing
    # listening on the network.
    km = AsyncKernelManager(kernel_spec_manager=specs, kernel_name=kernel_name, transport="ipc",
                            ip=str(scratch / "k"),  # short: a socket path has at most 107 bytes
                            connection_file=str(scratch / "connection.json"))
    client = None

    async def warm_up(notebook=None, **_):
        if survey is None:
            return
        code = f"__import__('sqmreport.build.warmup').build.warmup.remember_pickled({survey!r})"
        reply = await client.async_wait_for_reply(
            client.kc.execute(code, silent=True, store_history=False))
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(f"handing the checked survey to the kernel: "
                               f"{content.get('ename')}: {content.get('evalue')}")

    async def cell_started(cell=None, cell_index=None, **_):
        started(cell_index)

    client = NotebookClient(nb, km=km, kernel_name=kernel_name, timeout=None,
                            shutdown_kernel="immediate", record_timing=False,
                            on_notebook_start=warm_up, on_cell_execute=cell_started)
    # The kernel's own output (not the cells', which the notebook keeps) goes to the log,
    # so that a crash can be explained; its working directory is the scratch folder.
    with open(log, "wb") as err:
        try:
            await client.async_execute(cleanup_kc=True, env=env, cwd=str(scratch),
                                       stdout=err, stderr=err)
        finally:
            if km.has_kernel:  # a failure before nbclient took charge of the kernel
                await km.shutdown_kernel(now=True)


def _tail(log: Path) -> str:
    try:
        with open(log, encoding="utf-8", errors="replace") as f:
            lines = deque((line.rstrip() for line in f), maxlen=_TAIL)
    except OSError:
        return ""
    return "\n".join(line for line in lines if line)


_MIME_SHOWN = "text/html"  # what the report template shows of an output


def lost_outputs(nb, name: str) -> list[str]:
    """One line per cell whose output will not reach the report.

    The report shows only HTML that a cell displays (what the report object and views
    display); printed text, stderr (warnings), a bare value at the end of a cell (a
    DataFrame, say) and a figure or text displayed without HTML are not shown.  Cells
    tagged ``remove-cell`` or ``remove-output`` are left out on purpose and not reported.
    """
    numbers = code_cell_numbers(nb)
    found = []
    for index, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if index not in numbers or {"remove-cell", "remove-output"} & set(tags):
            continue
        reasons = []
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream" and output.get("name") == "stdout":
                reason = "printed output is not shown in the report"
            elif kind == "stream":
                first = next((line for line in _text(output.get("text")).splitlines()
                              if line.strip()), "")
                reason = f"stderr output is not shown in the report ({first.strip()[:120]})"
            elif kind == "execute_result":
                reason = ("the value of its last line is not shown in the report "
                          "(use the report's tables and figures, or end the line with ';')")
            elif kind == "display_data" and _MIME_SHOWN not in output.get("data", {}):
                shown = ", ".join(sorted(output.get("data", {}))) or "nothing"
                reason = f"a display without HTML ({shown}) is not shown in the report"
            else:
                continue
            if reason not in reasons:
                reasons.append(reason)
        first_line = next((line for line in _text(cell.source).splitlines() if line.strip()), "")
        excerpt = first_line.strip()[:40] + ("…" if len(first_line.strip()) > 40 else "")
        found += [f"{name}, cell {numbers[index]} ({excerpt}): {reason}" for reason in reasons]
    return found


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")
