"""sqmreport's benchmarks: each target measured side by side in one run, with its ratio.

Run with ``make bench``.  Prints one line per target: the measurement, the target,
and whether it is met.  Timings are wall-clock on this machine; ratios compare runs
made here, one after the other, on the same inputs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO = REPO / "data" / "demo" / "study.yml"
REPORTS = ("satisfaction", "gap_model", "factor_analysis")


def _run(args, **kw):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def naive_pipeline(out: Path) -> float:
    """For each notebook in turn: the papermill command line, then the nbconvert one."""
    out.mkdir(parents=True)
    start = time.perf_counter()
    for report in REPORTS:
        executed = out / f"{report}.ipynb"
        _run([BIN / "papermill", REPO / "sqmreport" / "notebooks" / f"{report}.ipynb", executed,
              "-p", "study", str(DEMO), "-p", "tables_dir", str(out / "tables"), "--no-progress-bar"],
             cwd=REPO / "sqmreport" / "notebooks")
        _run([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", str(executed)])
    return time.perf_counter() - start


def our_pipeline(out: Path) -> float:
    start = time.perf_counter()
    _run([BIN / "sqmreport", "build", str(DEMO), "--out", str(out), "--force"])
    return time.perf_counter() - start


def line(name: str, value: str, target: str, met: bool | None) -> None:
    verdict = "met" if met else ("NOT met" if met is not None else "skipped")
    print(f"{name:<34} {value:<28} target {target:<22} {verdict}")


def build_overhead() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        naive = naive_pipeline(tmp / "naive")
        ours = our_pipeline(tmp / "ours")
        ratio = ours / naive
        line("1. build overhead (demo, 3 reports)", f"{ours:.1f} s / {naive:.1f} s = {ratio:.2f}x",
             "<= 0.40x naive", ratio <= 0.40)
        sizes = {p.name: p.stat().st_size for p in (tmp / "ours").glob("*.html") if p.stem in REPORTS}
        largest = max(sizes.values()) / 1e6
        line("6. report size (largest demo page)", f"{largest:.2f} MB", "<= 1.5 MB", largest <= 1.5)


def _studies(root: Path, count: int) -> list[str]:
    """``count`` copies of the demo study (satisfaction report only), each its own name."""
    import yaml

    paths = []
    for i in range(1, count + 1):
        folder = root / f"s{i:02d}"
        shutil.copytree(DEMO.parent, folder, ignore=shutil.ignore_patterns("study-en.yml"))
        spec = yaml.safe_load((folder / "study.yml").read_text(encoding="utf-8"))
        spec.update(name=f"bench-{i:02d}", reports=["satisfaction"])
        (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        paths.append(os.path.relpath(folder / "study.yml", REPO))
    return paths


def _make(jobs: int, studies: list[str]) -> float:
    start = time.perf_counter()
    _run(["make", f"-j{jobs}", "reports", f"STUDY={' '.join(studies)}"], cwd=REPO)
    return time.perf_counter() - start


def _clean(count: int) -> None:
    for i in range(1, count + 1):
        shutil.rmtree(REPO / "reports" / f"bench-{i:02d}", ignore_errors=True)


def batches(count: int = 20) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        studies = _studies(root, count)
        _clean(count)
        serial = _make(1, studies)
        _clean(count)
        parallel = _make(2, studies)
        again = _make(2, studies)
        speedup = serial / parallel
        line(f"4. batch of {count} studies", f"-j1 {serial:.0f} s / -j2 {parallel:.0f} s = {speedup:.2f}x",
             ">= 1.7x", speedup >= 1.7)
        line("4. the same batch, nothing changed", f"{again:.2f} s", "<= 2 s", again <= 2)
    finally:
        _clean(count)
        shutil.rmtree(root, ignore_errors=True)


def _large_survey(n: int):
    """n respondents of the demo's data-generating model: 22 expectation and 22 perception items."""
    import importlib.util

    import numpy as np
    import pandas as pd

    spec = importlib.util.spec_from_file_location("generate", REPO / "data" / "demo" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    sim = generate.simulate(np.random.default_rng(7), n)
    frame = pd.DataFrame({f"{form}{j}": sim[form][j].astype(np.int8)
                          for form in ("E", "P") for j in range(1, 23)})
    return frame


FA_R = """
suppressMessages(library(psych))
x <- read.csv("{csv}")
p <- x[, paste0("P", 1:22)]
dims <- list(1:4, 5:9, 10:13, 14:17, 18:22)
t <- system.time({{
  k <- KMO(p)
  b <- cortest.bartlett(cor(p, use = "pairwise"), n = nrow(p))
  pa <- fa.parallel(p, fa = "both", plot = FALSE)
  f <- fa(p, 5, fm = "minres", rotate = "oblimin")
  a <- lapply(dims, function(d) psych::alpha(p[, d], warnings = FALSE))
}})
cat(t[["elapsed"]], "\n")
"""


def analysis_at_scale(n: int = 1_000_000) -> None:
    from sqmreport.stats import efa
    from sqmreport.stats.reliability import cronbach_alpha

    data = _large_survey(n)
    items = data[[f"P{j}" for j in range(1, 23)]].astype(float)
    items.columns = [str(j) for j in range(1, 23)]
    dims = [range(1, 5), range(5, 10), range(10, 14), range(14, 18), range(18, 23)]
    start = time.perf_counter()
    efa.kmo(items)
    efa.bartlett(items)
    efa.parallel_analysis(items, n_iter=20)
    efa.fit_efa(items, 5)
    for d in dims:
        cronbach_alpha(items[[str(j) for j in d]])
    ours = time.perf_counter() - start
    rscript = shutil.which("Rscript")
    if rscript is None:
        line(f"2. FA computations, {n:,} respondents", f"{ours:.1f} s (R not installed)",
             "<= 0.25x psych", None)
        return
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "large.csv"
        data.to_csv(csv, index=False)
        script = Path(tmp) / "fa.R"
        script.write_text(FA_R.format(csv=csv))
        result = subprocess.run([rscript, str(script)], capture_output=True, text=True, check=True)
        theirs = float(result.stdout.split()[-1])
    ratio = ours / theirs
    line(f"2. FA computations, {n:,} respondents", f"{ours:.1f} s / R {theirs:.1f} s = {ratio:.2f}x",
         "<= 0.25x psych", ratio <= 0.25)


def whole_study_at_scale(n: int = 1_000_000) -> None:
    """All three reports of a generated n-respondent study: wall time and peak memory
    summed over the build and its kernels."""
    import numpy as np
    import psutil
    import yaml

    data = _large_survey(n)
    rng = np.random.default_rng(3)
    data.insert(0, "respondent_id", np.arange(n))
    data["department"] = rng.choice(["内科", "外科", "儿科", "妇产科", "急诊"], size=n)
    data["visit_type"] = rng.choice(["门诊", "住院"], size=n)
    data["age_band"] = rng.choice(["18–34", "35–49", "50–64", "65+"], size=n)
    for j in range(1, 23):
        data[f"A{j}"] = np.clip(data[f"E{j}"] - 1, 1, 7).astype(np.int8)
    points = np.floor(rng.dirichlet([14, 30, 22, 18, 16], size=n) * 100)
    points[:, 1] += 100 - points.sum(axis=1)
    for k, d in enumerate(["tangibles", "reliability", "responsiveness", "assurance", "empathy"]):
        data[f"imp_{d}"] = points[:, k].astype(np.int16)
    perception = data[[f"P{j}" for j in range(1, 23)]].mean(axis=1)
    data["overall"] = np.clip(np.rint(perception + rng.normal(0, 0.6, n)), 1, 7).astype(np.int8)
    data["recommend"] = np.clip(np.rint(data["overall"] * 1.4 + rng.normal(0, 1.2, n)), 0, 10).astype(np.int8)
    data["comment"] = np.where(rng.random(n) < 0.02, "等候时间太长，请联系 13812345678", None)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data.to_parquet(folder / "survey.parquet", index=False)
        del data
        spec = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
        tracking = {key: spec["data"][key] for key in ("kpi", "complaints", "maturity")}
        for name in [*tracking.values(), spec["waves"][0]["survey"]]:  # the demo's earlier wave,
            shutil.copy(DEMO.parent / name, folder / name)             # KPIs, complaints, maturity
        spec.update(name="large", data={"survey": "survey.parquet", **tracking},
                    personal_columns=[], questionnaires={"sent": int(n * 1.2), "returned": n})
        (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        start = time.perf_counter()
        process = psutil.Popen([BIN / "sqmreport", "build", folder / "study.yml", "--out", folder / "out"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = 0
        while process.poll() is None:
            try:
                peak = max(peak, process.memory_info().rss + sum(
                    c.memory_info().rss for c in process.children(recursive=True)))
            except psutil.Error:
                pass
            time.sleep(0.1)
        wall = time.perf_counter() - start
    line(f"3. whole study, {n:,} respondents", f"{wall:.0f} s", "<= 90 s",
         wall <= 90 and process.returncode == 0)
    line("3. whole study, peak memory", f"{peak / 1e9:.2f} GB (all processes)", "<= 4 GB", peak <= 4e9)


def _write_large_parquet(path: Path, rows: int, chunk: int = 2_000_000) -> None:
    """A survey of ``rows`` respondents (44 ratings, 2% missing, a segment), written in chunks
    so that generating it needs no more memory than one chunk."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(11)
    names = [f"{form}{j}" for form in "EP" for j in range(1, 23)]
    schema = pa.schema([(n, pa.int8()) for n in names] + [("department", pa.string())])
    departments = np.array(["内科", "外科", "儿科", "妇产科", "急诊"])
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        done = 0
        while done < rows:
            m = min(chunk, rows - done)
            base = rng.integers(-1, 2, size=m, dtype=np.int8)
            columns = {n: pa.array(np.clip(5 + base + rng.integers(-1, 2, size=m, dtype=np.int8), 1, 7),
                                   mask=rng.random(m) < 0.02) for n in names}
            columns["department"] = pa.array(departments[rng.integers(0, 5, size=m)])
            writer.write_table(pa.table(columns, schema=schema))
            done += m


REDUCE = """
import resource, sys, time
from sqmreport.data.outofcore import correlations, mean_differences, sufficient_statistics
P = [f"P{j}" for j in range(1, 23)]
E = [f"E{j}" for j in range(1, 23)]
pairs = [(a, b) for i, a in enumerate(P) for b in P[i:]] + list(zip(P, E))
start = time.perf_counter()
stats = sufficient_statistics(sys.argv[1], P + E, pairs=pairs)
correlations(stats)
mean_differences(stats, P, E)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def out_of_core(rows: int = int(os.environ.get("SQMREPORT_BENCH_OOC_ROWS", 100_000_000))) -> None:
    """Reduce a survey larger than memory with DuckDB: the P correlations and P - E gaps."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "survey.parquet"
        _write_large_parquet(path, rows)
        result = subprocess.run([sys.executable, "-c", REDUCE, str(path)], capture_output=True,
                                text=True, check=True)
        seconds, peak = (float(v) for v in result.stdout.split())
    line(f"5. out of core, {rows:,} rows", f"{seconds:.0f} s, {peak / 1e9:.2f} GB peak", "<= 8 GB",
         peak <= 8e9)


def deliverables(rounds: int = 3) -> None:
    """The demo (zh and en) built with every deliverable (overview, workbook, A4 PDF, deck)
    against the build of its pages alone (the study file's deliverables set to html), each
    forced, alternating, the best of ``rounds`` each."""
    import yaml

    root = Path(tempfile.mkdtemp(prefix="bench-deliverables-"))
    try:
        studies, folder = [], root / "data"
        shutil.copytree(DEMO.parent, folder)
        for name in ("study.yml", "study-en.yml"):
            spec = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
            spec["deliverables"] = ["html"]
            (folder / name).write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
            studies.append(str(folder / name))
        times = {"html": [], "all": []}
        for _ in range(rounds):
            for kind in ("html", "all"):
                start = time.perf_counter()
                _run([BIN / "sqmreport", "build", *studies, "--force",
                      *(["--deliverables", "all"] if kind == "all" else [])], cwd=root)
                times[kind].append(time.perf_counter() - start)
        html, every = min(times["html"]), min(times["all"])
        ratio = every / html
        line("7. every deliverable (demo zh+en)", f"{every:.1f} s / {html:.1f} s = {ratio:.2f}x",
             "<= 1.5x pages only", ratio <= 1.5)
    finally:
        shutil.rmtree(root, ignore_errors=True)


TARGETS = {"1": build_overhead, "2": analysis_at_scale, "3": whole_study_at_scale,
           "4": batches, "5": out_of_core, "7": deliverables}


def main(argv: list[str]) -> None:
    """Every target, or those named: ``python bench/run.py 1 3`` (``make bench TARGETS="1 3"``)."""
    unknown = [a for a in argv if a not in TARGETS]
    if unknown:
        sys.exit(f"error: no benchmark target {unknown[0]!r} (targets: {', '.join(TARGETS)})")
    print(f"sqmreport benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for name in argv or TARGETS:
        TARGETS[name]()


if __name__ == "__main__":
    main(sys.argv[1:])
