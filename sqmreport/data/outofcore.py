"""Surveys larger than memory: reduce them with DuckDB to the sufficient statistics the
reports need, without ever loading the respondents.

For every pair of columns, over the rows where both are answered, DuckDB (embedded,
no server) computes the count, the sums, the sums of squares and the sum of
cross-products, optionally per segment.  Ratings are whole numbers, so these sums
are exact integers (DuckDB's HUGEINT), and pairwise correlations and mean gaps
derived from them equal the in-memory computation to rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement
from pathlib import Path

import numpy as np
import pandas as pd

from sqmreport._validation import InputError

__all__ = ["SufficientStatistics", "correlations", "mean_differences", "sufficient_statistics"]


@dataclass(frozen=True)
class SufficientStatistics:
    """Pairwise sufficient statistics of a set of columns.

    Attributes
    ----------
    columns : list of str
    pairs : DataFrame
        One row per pair (a, b), a ≤ b in column order, and per segment group when
        grouped: ``a, b, n, sum_a, sum_b, sum_aa, sum_bb, sum_ab`` (Python integers:
        exact), over the rows where both a and b are answered.
    rows : int or Series
        Rows read (per group when grouped).
    by : str or None
        The segment column, if grouped.
    """

    columns: list
    pairs: pd.DataFrame
    rows: object
    by: str | None


def _source(path: Path) -> str:
    suffix = path.suffix.lower()
    quoted = str(path).replace("'", "''")
    if suffix == ".parquet":
        return f"read_parquet('{quoted}')"
    if suffix in (".csv", ".txt", ".tsv"):
        return f"read_csv_auto('{quoted}', header = true)"
    raise InputError(f"out-of-core input reads Parquet or CSV, not {suffix!r}", file=path.name)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sufficient_statistics(path, columns: list, *, by: str | None = None, pairs: list | None = None,
                          threads: int | None = None, memory_limit: str = "4GB") -> SufficientStatistics:
    """Scan ``path`` once and return the pairwise sufficient statistics of ``columns``.

    Parameters
    ----------
    path : str or Path
        A Parquet or CSV file (or a glob of Parquet files), of any size.
    columns : list of str
        Whole-number rating columns.
    by : str, optional
        A segment column: statistics per value.
    pairs : list of (str, str), optional
        Only these pairs (default: every pair of ``columns``, each with itself too);
        a report needs one form's correlations and each item's P-E pair, not all.
    threads : int, optional
        DuckDB worker threads (default: all cores).
    memory_limit : str
        DuckDB's memory limit; the aggregation streams, so it needs little.
    """
    import duckdb

    path = Path(path)
    if pairs is None:
        pairs = list(combinations_with_replacement(range(len(columns)), 2))
    else:
        pairs = [(columns.index(a), columns.index(b)) for a, b in pairs]
    # No FILTER clauses (slow): a product is NULL when either value is missing, and
    # count/sum skip NULLs, so "+ 0 * b" restricts a sum to the rows where b is answered.
    expressions = []
    for i, j in pairs:
        a, b = f"c{i}", f"c{j}"
        expressions += [f"count({a} * {b})", f"sum({a} + 0 * {b})", f"sum({b} + 0 * {a})",
                        f"sum({a} * {a} + 0 * {b})", f"sum({b} * {b} + 0 * {a})", f"sum({a} * {b})"]
    used = sorted({k for pair in pairs for k in pair})
    # Ratings as BIGINT: the products cannot overflow, and sums of integers are exact (HUGEINT).
    cast = ", ".join(f"CAST({_q(columns[k])} AS BIGINT) AS c{k}" for k in used)
    group = f"{_q(by)}, " if by else ""
    sql = (f"SELECT {group}count(*), {', '.join(expressions)} "
           f"FROM (SELECT {group}{cast} FROM {_source(path)})"
           + (f" GROUP BY {_q(by)} ORDER BY {_q(by)}" if by else ""))
    connection = duckdb.connect(config={"memory_limit": memory_limit,
                                        **({"threads": threads} if threads else {})})
    try:
        connection.execute("SET enable_progress_bar = false")  # a library prints nothing
        result = connection.execute(sql).fetchall()
    except duckdb.Error as exc:
        raise InputError(f"cannot be reduced: {str(exc).splitlines()[0]}", file=path.name) from None
    finally:
        connection.close()
    rows, rows_by = [], {}
    for record in result:
        key, values = (record[0], record[1:]) if by else (None, record)
        rows_by[key] = values[0]
        for k, (i, j) in enumerate(pairs):
            n, sa, sb, saa, sbb, sab = (int(v or 0) for v in values[1 + 6 * k: 7 + 6 * k])
            rows.append({"group": key, "a": columns[i], "b": columns[j], "n": n, "sum_a": sa,
                         "sum_b": sb, "sum_aa": saa, "sum_bb": sbb, "sum_ab": sab})
    frame = pd.DataFrame(rows)
    if not by:
        frame = frame.drop(columns="group")
    return SufficientStatistics(list(columns), frame, pd.Series(rows_by) if by else rows_by[None], by)


def correlations(stats: SufficientStatistics, group=None) -> pd.DataFrame:
    """Pairwise-complete Pearson correlations, as ``DataFrame.corr()`` computes them in memory.

    r = (nΣab − ΣaΣb) / √((nΣa² − (Σa)²)(nΣb² − (Σb)²)), numerator and both factors
    exact integers.
    """
    pairs = stats.pairs if group is None else stats.pairs[stats.pairs["group"] == group]
    out = pd.DataFrame(np.nan, index=stats.columns, columns=stats.columns)
    for row in pairs.itertuples(index=False):
        if row.n < 2:
            continue
        num = row.n * row.sum_ab - row.sum_a * row.sum_b
        var_a = row.n * row.sum_aa - row.sum_a**2
        var_b = row.n * row.sum_bb - row.sum_b**2
        if var_a <= 0 or var_b <= 0:
            continue
        r = num / (var_a ** 0.5 * var_b ** 0.5) if row.a != row.b else 1.0
        out.loc[row.a, row.b] = out.loc[row.b, row.a] = r
    return out


def mean_differences(stats: SufficientStatistics, minuend: list, subtrahend: list,
                     group=None) -> pd.DataFrame:
    """Mean of minuend − subtrahend per pair, over the rows where both are answered
    (e.g. the gap P − E of each item): ``minuend, subtrahend, n, mean``."""
    pairs = stats.pairs if group is None else stats.pairs[stats.pairs["group"] == group]
    index = {(r.a, r.b): r for r in pairs.itertuples(index=False)}
    rows = []
    for m, s in zip(minuend, subtrahend):
        if (m, s) in index:
            r = index[m, s]
            diff = r.sum_a - r.sum_b
        else:
            r = index[s, m]
            diff = r.sum_b - r.sum_a
        rows.append({"minuend": m, "subtrahend": s, "n": r.n, "mean": diff / r.n if r.n else np.nan})
    return pd.DataFrame(rows)
