"""Warm kernels for a build: one process imports the reports' libraries once, then forks a
kernel per notebook.

A kernel started the usual way spends two to three seconds of CPU starting IPython and
importing pandas, SciPy, matplotlib, scikit-learn and semopy before the first cell runs,
and a build starts one per report.  Here a template process does that once, while the
build checks the data, and each kernel is a fork of it: the same interpreter, the same
modules, a fresh namespace, its own sockets.  The notebook cannot tell the difference
(the build's tests compare both ways byte for byte).

POSIX only; :func:`available` says whether it can be used, and the build falls back to
ordinary kernels otherwise.  The template exits when the build closes its stdin (also
when the build is killed); each kernel exits when the template does, through
ipykernel's parent poller.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

__all__ = ["ForkServer", "ForkedProcess", "available", "start"]

# What every report notebook imports: loaded once in the template.  (What only one report
# needs, such as semopy for the CFA, is left to its kernel: the kernels wait for the
# template, so a longer import list delays them all.)
WARM_MODULES = (
    "ipykernel.kernelapp", "matplotlib_inline.backend_inline", "matplotlib.pyplot",
    "sqmreport.present.report", "sqmreport.analysis.satisfaction", "sqmreport.analysis.gap_model",
    "sqmreport.analysis.factor_analysis", "sqmreport.analysis.tracking", "sqmreport.present.views.satisfaction",
    "sqmreport.present.views.gap_model", "sqmreport.present.views.factor_analysis", "sqmreport.present.views.tracking",
)


def available() -> bool:
    """Fork is there (not on Windows; not used on macOS, where forking after importing
    system frameworks is unsafe) and not switched off with ``SQMREPORT_NO_FORK=1``."""
    if os.environ.get("SQMREPORT_NO_FORK", "") not in ("", "0"):
        return False
    return hasattr(os, "fork") and sys.platform != "darwin"


class ForkedProcess:
    """Enough of :class:`subprocess.Popen` for jupyter_client's local provisioner to manage
    a kernel that is the template's child, not ours."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0  # the template reaps it; its status is not ours to read
        return self.returncode

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum):
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)


def start() -> ForkServer | None:
    """A template for kernels as the build would start them, or None without fork."""
    if not available():
        return None
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel does
    return ForkServer(env)


class ForkServer:
    """The template process of one build (all the studies of a batch share it);
    :meth:`spawn` forks a kernel from it."""

    def __init__(self, env: dict):
        self._lock = threading.Lock()
        self.closed = False
        self._process = subprocess.Popen(
            [sys.executable, "-m", "sqmreport.build.forkserver"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, start_new_session=True)

    def spawn(self, connection_file: str, env: dict, cwd: str) -> int:
        """Fork a kernel listening on ``connection_file``; return its pid."""
        if self.closed:
            raise RuntimeError("the kernel template was stopped")
        request = json.dumps({"connection_file": connection_file, "env": env, "cwd": cwd})
        with self._lock:
            self._process.stdin.write(request.encode() + b"\n")
            self._process.stdin.flush()
            answer = self._process.stdout.readline()
        if not answer:
            raise RuntimeError("the kernel template exited")
        return json.loads(answer)["pid"]

    def close(self) -> None:
        """Stop the template (at once: it may still be importing).  Its kernels have been
        shut down by then; one that was not (a build killed mid-way) exits within a
        second, when its parent poller sees the template gone."""
        if self.closed:
            return
        self.closed = True
        self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _serve() -> None:
    """The template: import, then fork a kernel for each request on stdin."""
    import importlib

    for name in WARM_MODULES:
        importlib.import_module(name)
    from sqmreport.present.plots import report_style

    report_style("zh")  # registers the CJK font with matplotlib once, for every kernel
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _kernel(request)  # never returns
        answers.write(json.dumps({"pid": pid}).encode() + b"\n")
        answers.flush()


def _kernel(request: dict) -> None:
    """In the forked child: become an IPython kernel on the requested connection file."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        # Exit with the template.  (ipykernel reads JPY_PARENT_PID when it is imported, which
        # here was before the fork, so the parent is given on the command line.)
        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"],
                    f"--IPKernelApp.parent_handle={os.getppid()}"]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance()
    finally:
        os._exit(0)


if __name__ == "__main__":
    _serve()
