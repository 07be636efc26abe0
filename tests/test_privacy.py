"""No suppressed cell can be worked out from what a report publishes.

The attack: every breakdown is published beside its totals (all respondents, each
measure's n and mean, all complaints), so ``total − shown`` gives the pooled figure of
whatever is not shown: the hidden groups and the respondents with no value in the
segment.  That pool discloses a group when it holds one group only (an attacker who
knows which hidden groups have no answers solves for the one that has), or when it
holds fewer than ``min_group_size`` people.  :func:`recovered` returns what such an
attacker learns; it must be nothing, for generated studies of many shapes (small,
missing and complementary groups; cells with few answers) and for every published
table of a built report.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from sqmreport.stats import descriptives as desc
from sqmreport.stats.complaints import analyse_complaints

from .conftest import small_spec, small_survey

K = 5  # min_group_size of the generated studies
NO_VALUE = "(no value)"


def recovered(hidden: dict, k: int = K, *, shown: bool = True) -> list:
    """What ``total − shown`` discloses of the hidden contributors ``{group: count}``.

    With nothing shown (``shown=False``) the difference is the total itself, which the
    report publishes anyway: nothing more is learnt."""
    present = {g: c for g, c in hidden.items() if c > 0}
    if not shown:
        return []
    if len(present) == 1:
        return list(present)  # the one group with answers, solved exactly
    if 0 < sum(present.values()) < k:
        return [f"{sum(present.values())} people pooled"]
    return []


def _groups(segment: pd.Series) -> pd.Series:
    return segment.fillna(NO_VALUE)


def _hidden_contributors(scores: pd.DataFrame, segment: pd.Series, shown: dict) -> dict:
    """Per measure, ``{group: answers}`` of the groups not shown with a number (``shown``:
    measure -> set of groups shown); respondents with no value are never shown."""
    groups = _groups(segment)
    answered = scores.notna().groupby(groups).sum()
    return {m: {g: int(answered.at[g, m]) for g in answered.index if g not in shown[m]}
            for m in scores.columns}


# -- generated studies, through the statistics ------------------------------------------------

def _random_study(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Respondents × measures and × two segments: groups from 1 to 40 people, blanks in the
    segments, and measures that some groups hardly answer."""
    rng = np.random.default_rng(seed)
    segments = {}
    for name in ("unit", "region"):
        sizes = rng.choice([1, 2, 3, 4, 5, 6, 8, 12, 20, 40], size=rng.integers(2, 7))
        values = np.repeat([f"{name}{i}" for i in range(len(sizes))], sizes).astype(object)
        blanks = rng.integers(0, 4)
        segments[name] = np.concatenate([values, [None] * blanks])
    n = max(len(v) for v in segments.values())
    segments = pd.DataFrame({k: pd.Series(v).reindex(range(n)).to_numpy()
                             for k, v in segments.items()})
    segments = segments.sample(frac=1, random_state=seed).reset_index(drop=True)
    scores = pd.DataFrame(rng.integers(1, 8, size=(n, 3)).astype(float), columns=["a", "b", "c"])
    rate = rng.uniform(0.1, 1.0, size=n)  # some respondents skip most questions
    scores = scores.mask(rng.uniform(size=scores.shape) > rate[:, None])
    return scores, segments


@pytest.mark.parametrize("seed", range(300))
def test_no_suppressed_cell_is_recovered_from_the_segment_tables(seed):
    scores, segments = _random_study(seed)
    profile = desc.segment_profile(segments, min_size=K)
    comparison = desc.compare_segments(scores, segments, min_size=K)
    for seg in segments.columns:
        # the sample profile against the count of all respondents
        rows = profile[profile["segment"] == seg].assign(value=lambda f: f["value"].fillna(NO_VALUE))
        sizes = _groups(segments[seg]).value_counts()
        hidden = {g: int(sizes[g]) for g in rows.loc[rows["suppressed"], "value"]}
        assert not recovered(hidden, shown=not rows["suppressed"].all()), (seed, seg, hidden)
        # the means of each measure against its overall n and mean
        groups = comparison.groups[comparison.groups["segment"] == seg]
        shown = {m: set(groups.loc[(groups["measure"] == m) & ~groups["suppressed"], "value"])
                 for m in scores.columns}
        for measure, pool in _hidden_contributors(scores, segments[seg], shown).items():
            assert not recovered(pool, shown=bool(shown[measure])), (seed, seg, measure, pool)
            # a group hidden in the profile is hidden in every table
            assert not shown[measure] & set(hidden), (seed, seg, measure)
        # the test's n and number of groups are those of the groups shown, nothing more
        tests = comparison.tests[comparison.tests["segment"] == seg].set_index("measure")
        for measure in scores.columns:
            block = groups[(groups["measure"] == measure) & ~groups["suppressed"] & (groups["n"] > 0)]
            assert tests.at[measure, "n"] == block["n"].sum()
            assert tests.at[measure, "groups"] == len(block)


@pytest.mark.parametrize("seed", range(100))
def test_grey_ranks_only_groups_shown_for_every_measure(seed):
    scores, segments = _random_study(seed)
    hide = desc.hidden_cells(scores, segments["unit"], min_size=K)
    comparison = desc.compare_segments(scores, segments[["unit"]], min_size=K)
    shown = comparison.groups[~comparison.groups["suppressed"]]
    every = {g for g, block in shown.groupby("value") if len(block) == scores.shape[1]}
    assert set(hide.index[~hide.any(axis=1)]) == every


@pytest.mark.parametrize("seed", range(100))
def test_no_complaint_statistic_is_recovered_from_the_breakdowns(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 60))
    received = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 24 * 90, n), "h")
    closed = received + pd.to_timedelta(rng.integers(1, 200, n), "h")
    log = pd.DataFrame({
        "received": received, "closed": closed.where(rng.uniform(size=n) < 0.8),
        "channel": rng.choice(["phone", "web", "mail", "desk"], n, p=[0.5, 0.3, 0.15, 0.05]),
        "category": rng.choice(["wait", "bill", "staff", "other", "lost"], n,
                               p=[0.4, 0.3, 0.15, 0.1, 0.05]).astype(object),
        "customer": rng.choice([f"c{i}" for i in range(n // 2 + 1)], n),
        "resolved": np.where(rng.uniform(size=n) < 0.3, np.nan, rng.integers(0, 2, n)),
        "satisfaction": np.where(rng.uniform(size=n) < 0.5, np.nan, rng.integers(1, 6, n)),
        "unit": pd.NA, "text": ""})
    log.loc[rng.uniform(size=n) < 0.05, "category"] = None
    result = analyse_complaints(log, min_size=K)
    hours = (log["closed"] - log["received"]).dt.total_seconds()
    values = {"resolution_rate": log["resolved"], "median_hours": hours, "p90_hours": hours,
              "within_target": hours, "satisfaction": log["satisfaction"]}
    for key, table in (("category", result.categories), ("channel", result.channels)):
        keys = log[key].fillna(NO_VALUE)
        for column in [c for c in values if c in table.columns]:
            answered = values[column].notna().groupby(keys).sum()
            shown = set(table.loc[table[column].notna(), key])
            pool = {g: int(c) for g, c in answered.items() if g not in shown}
            assert not recovered(pool, shown=bool(shown)), (seed, key, column, pool)


def test_the_attack_finds_what_the_old_rule_published():
    # Before: respondents without a value were not counted, so with 20 + 20 shown and
    # one blank, total − shown gave that person's answer.
    scores = pd.DataFrame({"m": [float(i % 7) for i in range(41)]})
    segments = pd.DataFrame({"s": ["a"] * 20 + ["b"] * 20 + [None]})
    assert recovered(_hidden_contributors(scores, segments["s"], {"m": {"a", "b"}})["m"])
    comparison = desc.compare_segments(scores, segments, min_size=K)
    shown = {"m": set(comparison.groups.loc[~comparison.groups["suppressed"], "value"])}
    assert not recovered(_hidden_contributors(scores, segments["s"], shown)["m"])


# -- generated studies, through the build: every published table ------------------------------

def _study(folder, seed: int, language: str):
    rng = np.random.default_rng(seed)
    survey = small_survey(n=70, seed=seed)
    survey["region"] = (["north"] * 30 + ["south"] * 24 + ["east"] * 3 + ["west"] * 9
                        + [None] * 4)
    survey["unit"] = rng.choice(["u1", "u2", "u3"], size=70, p=[0.5, 0.45, 0.05])
    survey["overall"] = survey["overall"].astype(float)
    survey.loc[survey["region"] == "west", "overall"] = [4, 5, np.nan, np.nan, np.nan,
                                                          np.nan, np.nan, np.nan, np.nan]
    survey.to_csv(folder / "survey.csv", index=False)
    n = 40
    log = pd.DataFrame({
        "received": [f"2026-0{1 + i % 3}-{1 + i % 27:02d} 09:00" for i in range(n)],
        "closed": [f"2026-0{1 + i % 3}-{1 + i % 27:02d} {10 + i % 12}:00" for i in range(n)],
        "channel": ["phone"] * 20 + ["web"] * 17 + ["desk"] * 3,
        "category": ["wait"] * 22 + ["bill"] * 14 + ["staff"] * 3 + ["lost"],
        "satisfaction": [1 + i % 5 for i in range(n)]})
    log.to_csv(folder / "log.csv", index=False)
    spec = small_spec(name=f"privacy{seed}", language=language, segments=["region", "unit"],
                      data={"survey": "survey.csv", "complaints": "log.csv"}, min_group_size=K)
    (folder / "study.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return folder / "study.yml", survey, log


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from sqmreport.build.render import build_studies

    root = tmp_path_factory.mktemp("privacy")
    studies = []
    for seed, language in ((11, "en"), (12, "zh")):
        folder = root / f"privacy{seed}"
        folder.mkdir()
        studies.append((folder, *_study(folder, seed, language)))
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)  # a batch builds each study into reports/<name> of the working folder
        build_studies([s[1] for s in studies], reports=["satisfaction"])
    return studies


def _out(folder):
    return folder.parent / "reports" / folder.name


def _read(folder, name):
    return pd.read_csv(_out(folder) / "tables" / name, encoding="utf-8-sig", keep_default_na=False,
                       na_values=[""])


def test_built_reports_publish_no_recoverable_cell(built):
    for folder, _, survey, _ in built:
        ratings = survey[[f"P_{i}" for i in ("a1", "a2", "b1", "b2")]]
        scores = desc.dimension_scores(ratings.rename(columns=lambda c: c.removeprefix("P_")),
                                       dimension_of={"a1": "alpha", "a2": "alpha",
                                                     "b1": "beta", "b2": "beta"})
        scores["overall"] = survey["overall"]
        profile = _read(folder, "sample_profile.csv")
        for seg in ("region", "unit"):
            rows = profile[profile["segment"] == seg]
            sizes = _groups(survey[seg]).value_counts()
            hidden = {g: int(sizes.get(g, 0)) for g in sizes.index
                      if g not in set(rows.loc[rows["n"].notna(), "value"].astype(str))}
            assert not recovered(hidden), (folder.name, seg, hidden)
            means = _read(folder, f"segment_means_{seg}.csv").set_index("value")
            means.index = means.index.astype(str)
            labels = [c for c in means.columns if c != "n"]
            shown = {m: set(means.index[means[label].notna()])
                     for m, label in zip(scores.columns, labels, strict=True)}
            for measure, pool in _hidden_contributors(scores, survey[seg], shown).items():
                assert not recovered(pool), (folder.name, seg, measure, pool)
        grey = _read(folder, "grey.csv")
        region = _read(folder, "segment_means_region.csv").set_index("value")
        complete = set(region.index[region.drop(columns="n").iloc[:, :2].notna().all(axis=1)])
        assert set(grey["alternative"]) <= complete


def test_built_complaint_breakdowns_hide_small_categories(built):
    for folder, _, _, log in built:
        summary = _read(folder, "complaints_summary.csv").set_index("category")
        assert summary.loc[["staff", "lost"], "satisfaction"].isna().all()
        assert summary["satisfaction"].notna().sum() == 2  # wait and the total: bill goes too
        channels = _read(folder, "complaints_channels.csv").set_index("channel")
        assert np.isnan(channels.loc["desk", "median_hours"])
        shown = set(channels.index[channels["median_hours"].notna()])
        assert not recovered({c: int(n) for c, n in log["channel"].value_counts().items()
                              if c not in shown})


# -- a segment whose groups are all hidden --------------------------------------------------

def test_a_segment_with_every_group_hidden_says_so(write_study, tmp_path, monkeypatch):
    from sqmreport import load_survey
    from sqmreport.analysis import satisfaction as sat
    from sqmreport.present import report
    from sqmreport.present.report import Report
    from sqmreport.present.views import satisfaction as show

    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    survey = small_survey(n=30)
    survey["region"] = ["north"] * 4 + ["south"] * 4 + ["east"] * 4 + [f"r{i}" for i in range(18)]
    survey["region"] = survey["region"].where(survey.index < 12)  # 12 in 3 groups, 18 blank
    data = load_survey(write_study(small_spec(min_group_size=5), survey))
    rep = Report(data, "satisfaction", tables_dir=tmp_path / "tables")
    show.response(rep, sat.response(data))
    show.segments(rep, sat.segments(data))
    show.grey(rep, sat.grey(data))
    page = "".join(shown)
    assert "No group of region can be shown" in page
    assert "needs at least 3 groups of region shown for every dimension" in page
    rows = [row for row in page.split("<tr>") if re.search(r">(north|south|east)<", row)]
    assert len(rows) == 3 and not any(re.search(r'class="num">[\d.,%]+<', row) for row in rows), rows
