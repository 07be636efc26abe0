"""Tracking and operations: earlier survey waves, the internal-service scorecard, the
complaint log and the maturity assessment, one function per section.

Each function reads the study's optional files and runs :mod:`sqmreport.analysis.waves`,
:mod:`sqmreport.stats.scorecard`, :mod:`sqmreport.stats.complaints` or
:mod:`sqmreport.stats.maturity`; a part the study has no data for has ``result``
None (and no ``problem``), and the reports leave it out without a word.
:func:`analyse` runs them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# SciPy (through descriptives) is imported where the statistics are computed: reading and
# checking the files (``check``, run before any notebook) needs only pandas.
from sqmreport._validation import Degenerate, section
from sqmreport.analysis.waves import WaveResult, track
from sqmreport.data.operations import load_assessment, load_complaints, load_kpi
from sqmreport.data.study import GROUPS
from sqmreport.data.survey import Survey
from sqmreport.data.waves import load_waves
from sqmreport.stats.complaints import ComplaintResult, analyse_complaints
from sqmreport.stats.maturity import MaturityResult, assess
from sqmreport.stats.scorecard import ScorecardResult
from sqmreport.stats.scorecard import scorecard as _scorecard

__all__ = ["Part", "TrackingResult", "Waves", "analyse", "complaints", "maturity", "scorecard",
           "waves"]


@dataclass(frozen=True)
class Part:
    """One tracking part: its result, or why it could not be computed.

    Attributes
    ----------
    name : str
        ``waves``, ``scorecard``, ``complaints`` or ``maturity``.
    result : object or None
        None when the study has no data for the part, or when ``problem`` says why.
    problem : Degenerate or None
    """

    name: str
    result: object
    problem: Degenerate | None

    @property
    def shown(self) -> bool:
        """Whether the report shows the part: it has data (a result, or a reason it has none)."""
        return self.result is not None or self.problem is not None


@dataclass(frozen=True)
class Waves(Part):
    """This wave against the earlier ones (``result`` a :class:`~sqmreport.analysis.waves.WaveResult`).

    ``confidence`` and ``p_adjust`` are the options the changes were tested with.
    """

    confidence: float = 0.95
    p_adjust: str = "holm"

    def significant(self, form: str, kind: str | tuple) -> pd.DataFrame:
        """This wave's changes of ``form`` and ``kind`` whose adjusted p-value is below
        1 − confidence."""
        changes = self.result.changes(form, kind).dropna(subset=["change"])
        return changes[changes["p_adjusted"] < 1 - self.confidence].reset_index(drop=True)

    def trend(self, form: str, kind: str | tuple) -> pd.DataFrame:
        """Every wave's means of ``form`` and ``kind``, oldest first, with a t-interval
        (``ci_low``, ``ci_high``) at ``confidence`` from the wave's n and sd."""
        from scipy import stats

        trend = self.result.trend(form, kind).copy()
        half = stats.t.ppf(0.5 + self.confidence / 2, np.maximum(trend["n"] - 1, 1))
        se = trend["sd"] / np.sqrt(trend["n"])
        trend["ci_low"], trend["ci_high"] = trend["mean"] - half * se, trend["mean"] + half * se
        trend["wave"] = pd.Categorical(trend["wave"], categories=self.result.order, ordered=True)
        trend = trend.sort_values(["wave"], kind="stable")
        trend["wave"] = trend["wave"].astype(str)
        return trend.reset_index(drop=True)


def waves(survey: Survey, *, confidence: float | None = None,
          p_adjust: str | None = None) -> Waves:
    """The waves side by side and the change since the previous wave.

    Options default to the study's ``analysis.confidence`` and ``analysis.p_adjust``.
    """
    spec = survey.study.spec
    confidence = spec.analysis.confidence if confidence is None else confidence
    p_adjust = spec.analysis.p_adjust if p_adjust is None else p_adjust
    problems = {}
    result = None
    if spec.waves:
        earlier = load_waves(survey.study)
        result = section(problems, "waves", lambda: track(
            survey, earlier, confidence=confidence, p_adjust=p_adjust))
    return Waves("waves", result, problems.get("waves"), confidence, p_adjust)


def scorecard(survey: Survey) -> Part:
    """The internal-service scorecard from ``kpi.csv``, as ``scorecard:`` in the study says."""
    problems = {}
    result = None
    kpi = load_kpi(survey.study)
    if kpi is not None:
        settings = survey.study.spec.scorecard
        indicators = pd.DataFrame([i.model_dump(include={"id", "group", "direction", "target",
                                                         "worst"}) for i in settings.indicators])
        weights = {g: settings.weights[g] for g in GROUPS if g in settings.weights}
        result = section(problems, "scorecard", lambda: _scorecard(
            kpi, indicators=indicators, weights=weights))
    return Part("scorecard", result, problems.get("scorecard"))


def complaints(survey: Survey) -> Part:
    """The complaint log analysed as ``complaints:`` in the study says."""
    problems = {}
    result = None
    log = load_complaints(survey.study)
    if log is not None:
        settings = survey.study.spec.complaints
        result = section(problems, "complaints", lambda: analyse_complaints(
            log, target_hours=settings.target_hours, repeat_days=settings.repeat_days,
            period=settings.period, categories=settings.categories, gaps=_gaps(survey),
            min_size=survey.study.spec.min_group_size))
    return Part("complaints", result, problems.get("complaints"))


def maturity(survey: Survey) -> Part:
    """The maturity assessment, on the study's ``maturity.scale``."""
    problems = {}
    result = None
    assessment = load_assessment(survey.study)
    if assessment is not None:
        scale = survey.study.spec.maturity.scale
        result = section(problems, "maturity",
                         lambda: assess(assessment, scale=(scale.min, scale.max)))
    return Part("maturity", result, problems.get("maturity"))


@dataclass(frozen=True)
class TrackingResult:
    """The tracking parts a study has data for (None for the others).

    ``problems`` maps a part to the :class:`~sqmreport._validation.Degenerate` that stopped it.
    """

    waves: WaveResult | None
    scorecard: ScorecardResult | None
    complaints: ComplaintResult | None
    maturity: MaturityResult | None
    problems: dict


def analyse(survey: Survey) -> TrackingResult:
    """Compute every tracking part the study has data for, with the study's options."""
    parts = [waves(survey), scorecard(survey), complaints(survey), maturity(survey)]
    return TrackingResult(*(p.result for p in parts),
                          {p.name: p.problem for p in parts if p.problem is not None})


def _gaps(survey: Survey) -> pd.Series | None:
    """Mean P − E per dimension; None without an expectation form."""
    from sqmreport.stats.servqual import respondent_gaps

    if not survey.has("expectation"):
        return None
    gaps = respondent_gaps(survey.ratings["expectation"], survey.ratings["perception"],
                           dimension_of=survey.instrument.dimension_of())
    return gaps.drop(columns="overall").mean()
