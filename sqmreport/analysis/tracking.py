"""Tracking and operations: earlier survey waves, the internal-service scorecard, the
complaint log and the maturity assessment, each computed when the study has its data.

:func:`analyse` reads the study's optional files and runs :mod:`sqmreport.analysis.waves`,
:mod:`sqmreport.stats.scorecard`, :mod:`sqmreport.stats.complaints` and
:mod:`sqmreport.stats.maturity`; a part the study has no data for is None, and the
reports leave it out without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# SciPy (through descriptives) is imported where the statistics are computed: reading and
# checking the files (``check``, run before any notebook) needs only pandas.
from sqmreport._validation import section
from sqmreport.analysis.waves import WaveResult, track
from sqmreport.data.operations import load_assessment, load_complaints, load_kpi
from sqmreport.data.study import GROUPS
from sqmreport.data.survey import Survey
from sqmreport.data.waves import load_waves
from sqmreport.stats.complaints import ComplaintResult, analyse_complaints
from sqmreport.stats.maturity import MaturityResult, assess
from sqmreport.stats.scorecard import ScorecardResult, scorecard

__all__ = ["TrackingResult", "analyse"]


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
    """Compute every tracking part the study has data for."""
    study = survey.study
    spec = study.spec
    problems = {}
    waves = None
    if spec.waves:
        earlier = load_waves(study)
        waves = section(problems, "waves", lambda: track(
            survey, earlier, confidence=spec.analysis.confidence, p_adjust=spec.analysis.p_adjust))
    card = None
    kpi = load_kpi(study)
    if kpi is not None:
        settings = spec.scorecard
        indicators = pd.DataFrame([i.model_dump(include={"id", "group", "direction", "target",
                                                         "worst"}) for i in settings.indicators])
        weights = {g: settings.weights[g] for g in GROUPS if g in settings.weights}
        card = section(problems, "scorecard", lambda: scorecard(
            kpi, indicators=indicators, weights=weights))
    complaints = None
    log = load_complaints(study)
    if log is not None:
        settings = spec.complaints
        complaints = section(problems, "complaints", lambda: analyse_complaints(
            log, target_hours=settings.target_hours, repeat_days=settings.repeat_days,
            period=settings.period, categories=settings.categories, gaps=_gaps(survey)))
    maturity = None
    assessment = load_assessment(study)
    if assessment is not None:
        scale = spec.maturity.scale
        maturity = section(problems, "maturity",
                           lambda: assess(assessment, scale=(scale.min, scale.max)))
    return TrackingResult(waves, card, complaints, maturity, problems)


def _gaps(survey: Survey) -> pd.Series | None:
    """Mean P − E per dimension; None without an expectation form."""
    from sqmreport.stats.servqual import respondent_gaps

    if not survey.has("expectation"):
        return None
    gaps = respondent_gaps(survey.ratings["expectation"], survey.ratings["perception"],
                           survey.instrument.dimension_of())
    return gaps.drop(columns="overall").mean()


