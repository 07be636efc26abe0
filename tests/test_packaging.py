"""The built wheel carries the notebooks and the package data, and builds a study outside a
checkout.

The test builds the wheel from a copy of the sources (pip builds in place, which would leave
``build/`` in the checkout), installs it into a fresh virtual environment and builds a copy of
the demo study with that environment's ``sqmreport``, from a folder outside the checkout.  It
runs offline: the wheel is built without build isolation (the test extra brings
``setuptools>=77``), and the fresh environment borrows this one's installed dependencies
through a ``.pth`` file instead of downloading them (and their data files through
``JUPYTER_PATH``).  A ``.pth`` file only appends a folder to
``sys.path``; the ``.pth`` files in that folder (this checkout's editable install among them)
are not run, so the only ``sqmreport`` the fresh environment can import is the wheel's.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from .conftest import DEMO, REPO

# Files of the package that are not Python: they reach the wheel only through package-data.
_NOT_DATA = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


def _run(args, **options) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **options)
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} exited with {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def _package_data(root: Path) -> set[str]:
    """The package's non-Python files, as paths relative to ``root``."""
    return {p.relative_to(root).as_posix() for p in (root / "sqmreport").rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc")
            and not any(part.startswith(".") or part == "__pycache__"
                        for part in p.relative_to(root).parts)}


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_imported_package_is_declared():
    """Each third-party module imported anywhere in sqmreport comes from a distribution
    listed in pyproject.toml's dependencies (an undeclared one works here by accident)."""
    modules = set()
    for path in (REPO / "sqmreport").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"sqmreport", "__future__"}
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {_normalized(re.match(r"[A-Za-z0-9_.-]+", d).group()) for d in project["dependencies"]}
    provided_by = packages_distributions()
    undeclared = {m: provided_by.get(m) for m in sorted(modules)
                  if not {_normalized(d) for d in provided_by.get(m, [m])} & declared}
    assert not undeclared, f"imported but not in pyproject.toml's dependencies: {undeclared}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(REPO / "sqmreport", src / "sqmreport", ignore=_NOT_DATA)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--no-index", "--wheel-dir", tmp / "dist", src])
    (built,) = (tmp / "dist").glob("sqmreport-*.whl")
    return built


def test_the_wheel_has_the_notebooks_and_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _package_data(REPO)
    assert {f"sqmreport/notebooks/{n}.ipynb"
            for n in ("satisfaction", "gap_model", "factor_analysis")} <= expected
    assert expected - names == set(), "package files missing from the wheel"
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "sqmreport = sqmreport.build.cli:main" in entry_points


def test_the_installed_wheel_builds_a_study_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps",
          "--no-index", wheel])
    # The dependencies: this environment's site-packages, after the fresh one's.
    fresh = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
                 .stdout.strip())
    ours = dict.fromkeys(sysconfig.get_paths()[key] for key in ("purelib", "platlib"))
    (fresh / "_sqmreport_test_dependencies.pth").write_text("\n".join(ours) + "\n")

    study = tmp_path / "study"
    shutil.copytree(DEMO, study, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # ... and their data files (nbconvert's templates, ipykernel's kernel spec), which a real
    # install would put in the fresh environment's share/jupyter.
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(Path(sys.prefix) / "share" / "jupyter"), *filter(None, [env.get("JUPYTER_PATH")])])

    where = _run([python, "-c", "import sqmreport; print(sqmreport.__file__)"],
                 cwd=elsewhere, env=env).stdout.strip()
    assert Path(where).is_relative_to(venv), f"imported {where}, not the installed wheel"
    assert not Path(where).is_relative_to(REPO)

    out = tmp_path / "out"
    _run([venv / "bin" / "sqmreport", "build", study / "study.yml", "--report", "factor_analysis",
          "--out", out], cwd=elsewhere, env=env, timeout=600)
    page = out / "factor_analysis.html"
    assert page.is_file(), sorted(p.name for p in out.iterdir())
    html = page.read_text(encoding="utf-8")
    assert "<h2" in html and str(REPO) not in html
    assert not (out / "satisfaction.html").exists()
