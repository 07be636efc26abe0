"""Warm kernels for a build: one process imports the reports' libraries once, then forks a
kernel per notebook.

A kernel started the usual way spends two to three seconds of CPU starting IPython and
importing pandas, SciPy, matplotlib, scikit-learn and semopy before the first cell runs,
and a build starts one per report.  Here a template process does that once, while the
build checks the data, and each kernel is a fork of it: the same interpreter, the same
modules, a fresh namespace, its own sockets.  The notebook cannot tell the difference
(the build's tests compare both ways byte for byte).

jupyter_client reaches the template through a kernel provisioner
(:class:`sqmreport.build.provisioner.ForkProvisioner`, its documented extension point):
the provisioner connects to the template's Unix socket (:attr:`ForkServer.address`),
sends the kernel's command line, environment and working directory, and passes the
kernel's standard output and error as file descriptors, so that what a kernel writes
there lands in the build's scratch log, not in /dev/null.

POSIX only; :func:`available` says whether it can be used, and the build falls back to
ordinary kernels otherwise.  The template exits when the build closes its stdin (also
when the build is killed); each kernel exits when the template does, through
ipykernel's parent poller.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys

__all__ = ["ForkServer", "available", "spawn", "start"]

# What every report notebook imports: loaded once in the template.  (What only one report
# needs, such as semopy for the CFA, is left to its kernel: the kernels wait for the
# template, so a longer import list delays them all.)
WARM_MODULES = (
    "ipykernel.kernelapp", "matplotlib_inline.backend_inline", "matplotlib.pyplot",
    "sqmreport.present.report",
    "sqmreport.analysis.satisfaction", "sqmreport.analysis.gap_model",
    "sqmreport.analysis.factor_analysis", "sqmreport.analysis.tracking",
    "sqmreport.present.views.satisfaction", "sqmreport.present.views.gap_model",
    "sqmreport.present.views.factor_analysis", "sqmreport.present.views.tracking",
)
_MESSAGE = 1 << 20  # the largest request: a kernel's command line and environment


def available() -> bool:
    """Fork is there (not on Windows; not used on macOS, where forking after importing
    system frameworks is unsafe) and not switched off with ``SQMREPORT_NO_FORK=1``."""
    if os.environ.get("SQMREPORT_NO_FORK", "") not in ("", "0"):
        return False
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and sys.platform != "darwin"


def start() -> ForkServer | None:
    """A template for kernels as the build would start them, or None without fork."""
    if not available():
        return None
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel does
    return ForkServer(env)


class ForkServer:
    """The template process of one build (all the studies of a batch share it).

    Attributes
    ----------
    address : str
        Its Unix socket, in a folder of its own that only this user can read; the
        provisioner's ``template`` option.
    log : str
        What the template itself writes to stderr (an import that failed, say).
    """

    def __init__(self, env: dict):
        self.closed = False
        from sqmreport.build import scratch  # the build's private folders: swept if it is killed

        self._folder = scratch.make("t")
        self.address = os.path.join(self._folder, "template.sock")
        self.log = os.path.join(self._folder, "template.log")
        # Listening before the template starts: a kernel asked for while the template still
        # imports waits for it; once the template is gone, asking fails at once.
        with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as server, \
                open(self.log, "wb") as log:
            server.bind(self.address)
            server.listen(16)
            self._process = subprocess.Popen(
                [sys.executable, "-m", "sqmreport.build.forkserver", str(server.fileno())],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log, env=env,
                start_new_session=True, pass_fds=[server.fileno()])

    def close(self) -> None:
        """Stop the template (at once: it may still be importing).  Its kernels have been
        shut down by then; one that was not (a build killed mid-way) exits within a
        second, when its parent poller sees the template gone."""
        if self.closed:
            return
        self.closed = True
        self._process.kill()
        self._process.wait()
        try:
            self._process.stdin.close()
        except OSError:
            pass
        from sqmreport.build import scratch

        scratch.remove(self._folder)


def spawn(address: str, argv: list, env: dict, cwd: str, fds: tuple) -> int:
    """Ask the template at ``address`` for a kernel; return its pid.

    ``argv`` is the kernel's command line as jupyter_client formatted it (``python -m
    ipykernel_launcher -f <connection file> ...``), ``fds`` its stdin, stdout and stderr.

    Raises
    ------
    OSError
        The template is not there (stopped, or never started).
    RuntimeError
        It could not fork.
    """
    request = json.dumps({"argv": list(argv), "env": dict(env), "cwd": str(cwd)}).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
        conn.connect(address)
        socket.send_fds(conn, [request], list(fds))
        answer = conn.recv(_MESSAGE)  # waits while the template is still importing
    if not answer:
        raise RuntimeError("the kernel template exited")
    answer = json.loads(answer)
    if "pid" not in answer:
        raise RuntimeError(f"the kernel template could not fork: {answer.get('error')}")
    return answer["pid"]


def _serve(listening: int) -> None:
    """The template: import, then fork a kernel for each request on the socket, until
    stdin closes."""
    import importlib
    import selectors

    server = socket.socket(fileno=listening)  # bound by ForkServer, before the imports
    for name in WARM_MODULES:
        importlib.import_module(name)
    from sqmreport.present.plots import report_style

    report_style("zh")  # registers the CJK font with matplotlib once, for every kernel
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    events = selectors.DefaultSelector()
    events.register(sys.stdin.fileno(), selectors.EVENT_READ, "stdin")
    events.register(server, selectors.EVENT_READ, "socket")
    while True:
        for key, _ in events.select():
            if key.data == "stdin":
                if not os.read(sys.stdin.fileno(), 4096):
                    return  # the build is gone
                continue
            conn, _ = server.accept()
            with conn:
                message, fds, _, _ = socket.recv_fds(conn, _MESSAGE, 3)
                try:
                    pid = os.fork()
                except OSError as exc:
                    conn.send(json.dumps({"error": str(exc)}).encode())
                    pid = None
                if pid == 0:
                    events.close()
                    server.close()
                    _kernel(json.loads(message), fds)  # never returns
                for fd in fds:
                    os.close(fd)
                if pid is not None:
                    conn.send(json.dumps({"pid": pid}).encode())


def _kernel(request: dict, fds: list) -> None:
    """In the forked child: become an IPython kernel with the requested command line."""
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        # The arguments after ``-m ipykernel_launcher``, as jupyter_client formatted them.
        argv = request["argv"]
        args = argv[argv.index("ipykernel_launcher") + 1:] if "ipykernel_launcher" in argv else argv[1:]
        # Exit with the template.  (ipykernel reads JPY_PARENT_PID when it is imported, which
        # here was before the fork, so the parent is given on the command line.)
        sys.argv = ["ipykernel_launcher", *args, f"--IPKernelApp.parent_handle={os.getppid()}"]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance()
    except SystemExit as exc:
        sys.stderr.flush()
        os._exit(exc.code if isinstance(exc.code, int) else 0)
    except BaseException:
        import traceback

        traceback.print_exc()  # into the kernel's log
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
