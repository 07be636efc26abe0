"""A kernel provisioner that forks kernels from the build's template process.

jupyter_client's documented way to change how a kernel process is started is a *kernel
provisioner* (https://jupyter-client.readthedocs.io/en/stable/provisioning.html): a class
registered under the ``jupyter_client.kernel_provisioners`` entry point and chosen by a
kernel spec's ``metadata.kernel_provisioner``.  :class:`ForkProvisioner` is registered as
``sqmreport-fork``; its one option, ``template``, is the Unix socket of a
:class:`~sqmreport.build.forkserver.ForkServer`.  It extends jupyter_client's
:class:`~jupyter_client.provisioning.LocalProvisioner` (which writes the connection file
and formats the command line) and launches the kernel as a fork of the template; without
a template, or when the template is gone, it launches the kernel the ordinary way.

A forked kernel is the template's child, not ours: it is watched through a pidfd where
Linux has one (else ``kill(pid, 0)``) and signalled as its own process group.  Its exit
status is the template's to read, so :meth:`ForkProvisioner.poll` reports an exited
kernel as ``-1``.

:func:`kernel_specs` gives the kernel spec manager a build hands to its kernel managers.
"""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
from importlib import metadata
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Dict, Unicode

from sqmreport.build import forkserver

__all__ = ["KERNEL_NAME", "PROVISIONER", "BuildKernelSpecs", "ForkProvisioner", "kernel_specs"]

PROVISIONER = "sqmreport-fork"
KERNEL_NAME = "sqmreport"


class ForkProvisioner(LocalProvisioner):
    """Launch a kernel as a fork of the template at ``template`` (else the usual way)."""

    template = Unicode("", config=True,
                       help="The Unix socket of the build's kernel template ('' for none).")

    forked: int | None = None  # the pid of a forked kernel
    _pidfd: int | None = None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if not self.template:
            return await super().launch_kernel(cmd, **kwargs)
        fds = tuple(_fileno(kwargs.get(name)) for name in ("stdin", "stdout", "stderr"))
        try:
            pid = await asyncio.to_thread(forkserver.spawn, self.template, cmd,
                                          kwargs.get("env") or os.environ,
                                          kwargs.get("cwd") or os.getcwd(), fds)
        except (OSError, RuntimeError):  # the template is gone: start the kernel the usual way
            self.log.info("kernel template at %s not available; starting a kernel", self.template)
            return await super().launch_kernel(cmd, **kwargs)
        finally:
            for fd in fds:
                os.close(fd)
        self.forked = self.pid = self.pgid = pid  # the kernel leads a session of its own
        self.cwd = kwargs.get("cwd") or os.getcwd()
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd (or the kernel is already gone)
            self._pidfd = None
        return self.connection_info

    @property
    def has_process(self) -> bool:
        return self.forked is not None or super().has_process

    async def poll(self) -> int | None:
        if self.forked is None:
            return await super().poll()
        if self._pidfd is not None:
            readable, _, _ = select.select([self._pidfd], [], [], 0)
            return -1 if readable else None
        try:
            os.kill(self.forked, 0)
        except ProcessLookupError:
            return -1
        return None

    async def wait(self) -> int | None:
        if self.forked is None:
            return await super().wait()
        while (status := await self.poll()) is None:
            await asyncio.sleep(0.02)
        self.forked = None
        self._close_pidfd()
        return status

    async def send_signal(self, signum: int) -> None:
        if self.forked is None:
            return await super().send_signal(signum)
        try:
            os.killpg(self.forked, signum)
        except OSError:
            try:
                os.kill(self.forked, signum)
            except ProcessLookupError:
                pass

    async def kill(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().kill(restart=restart)
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        if self.forked is None:
            return await super().terminate(restart=restart)
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        self._close_pidfd()
        await super().cleanup(restart=restart)

    def _close_pidfd(self) -> None:
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None


def _fileno(stream) -> int:
    """A duplicate of ``stream``'s descriptor for the template (/dev/null for none)."""
    if stream is None or stream == subprocess.DEVNULL:
        return os.open(os.devnull, os.O_RDWR)
    return os.dup(stream if isinstance(stream, int) else stream.fileno())


def registered() -> bool:
    """Whether :class:`ForkProvisioner` is registered (the package is installed)."""
    return bool(metadata.entry_points(group="jupyter_client.kernel_provisioners",
                                      name=PROVISIONER))


class BuildKernelSpecs(KernelSpecManager):
    """The one kernel a build runs its notebooks in: this interpreter's IPython kernel,
    provisioned by :class:`ForkProvisioner` (when registered) with ``provisioner_config``.

    Output written straight to the kernel's file descriptors (a crash, a C library) goes
    to the stderr the build gives the kernel, not into the notebook
    (``--IPKernelApp.capture_fd_output=False``), so that it survives the kernel."""

    provisioner_config = Dict(config=True)

    def find_kernel_specs(self) -> dict[str, str]:
        return {KERNEL_NAME: ""}

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name != KERNEL_NAME:
            raise NoSuchKernel(kernel_name)
        spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                         "--IPKernelApp.capture_fd_output=False"],
                "display_name": "Python 3 (sqmreport build)", "language": "python",
                "metadata": {"debugger": False}}
        if registered():
            spec["metadata"]["kernel_provisioner"] = {"provisioner_name": PROVISIONER,
                                                      "config": dict(self.provisioner_config)}
        return KernelSpec(**spec)


def kernel_specs(template: forkserver.ForkServer | None) -> BuildKernelSpecs:
    """The kernel spec manager for a build's kernels, forked from ``template`` if given."""
    address = template.address if template is not None and not template.closed else ""
    return BuildKernelSpecs(provisioner_config={"template": address})
