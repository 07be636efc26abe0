"""Tracking and operations: earlier survey waves, the internal-service scorecard, the
complaint log and the maturity assessment, each computed when the study has its data.

:func:`analyse` reads the study's optional files and runs :mod:`sqmreport.waves`,
:mod:`sqmreport.scorecard`, :mod:`sqmreport.complaints` and
:mod:`sqmreport.maturity`; a part the study has no data for is None, and the
reports leave it out without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# SciPy (through descriptives) is imported where the statistics are computed: reading and
# checking the files (``check``, run before any notebook) needs only pandas.
from ._i18n import text
from ._validation import section
from .complaints import ComplaintResult, analyse_complaints, load_complaints
from .maturity import LEVELS, MaturityResult, assess, load_assessment
from .scorecard import ScorecardResult, load_kpi, scorecard
from .study import Study
from .survey import Survey
from .waves import WaveResult, load_waves, track

__all__ = ["TrackingResult", "analyse", "check", "findings"]


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
        card = section(problems, "scorecard", lambda: scorecard(
            kpi, spec.scorecard.indicators, spec.scorecard.weights))
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


def findings(result: TrackingResult, survey: Survey, report: str) -> list[str]:
    """Plain-language findings of the tracking parts a report shows (satisfaction: waves,
    scorecard, complaints; gap_model: waves, maturity)."""
    lang = survey.language
    inst = survey.instrument
    sep = text(lang, "list_sep")
    out = []

    def name(kind, measure):
        if kind == "overall":
            return text(lang, "measures.overall")
        if kind == "servqual":
            return text(lang, "tracking_columns.servqual")
        return inst.dimension(measure).name(lang)

    w = result.waves
    if w is not None:
        alpha = 1 - survey.study.spec.analysis.confidence
        form, kinds = (("perception", ("dimension", "overall")) if report == "satisfaction"
                       else ("gap", ("dimension", "servqual")))
        changes = w.changes(form, kinds)
        up = changes[(changes["p_adjusted"] < alpha) & (changes["change"] > 0)]
        down = changes[(changes["p_adjusted"] < alpha) & (changes["change"] < 0)]
        if len(up):
            out.append(text(lang, "tracking_findings.up", previous=w.previous,
                             measures=sep.join(name(k, m) for k, m in zip(up["kind"], up["measure"]))))
        if len(down):
            out.append(text(lang, "tracking_findings.down", previous=w.previous,
                             measures=sep.join(name(k, m) for k, m in zip(down["kind"], down["measure"]))))
        if not len(up) and not len(down):
            out.append(text(lang, "tracking_findings.no_change", previous=w.previous))
        if report == "satisfaction" and len(w.actions):
            out.append(text(lang, "tracking_findings.actions", previous=w.previous,
                            n=len(w.actions), improved=int((w.actions["verdict"] == "improved").sum())))
    if report == "satisfaction" and result.scorecard is not None:
        ranked = result.scorecard.ranked()
        best, worst = ranked.iloc[0], ranked.iloc[-1]
        out.append(text(lang, "tracking_findings.scorecard", period=result.scorecard.latest,
                        best=best["unit"], best_index=best["index"], worst=worst["unit"],
                        worst_index=worst["index"]))
    if report == "satisfaction" and result.complaints is not None:
        c = result.complaints
        top = c.categories.iloc[0]
        out.append(text(lang, "tracking_findings.complaints", n=c.summary["complaints"],
                        top=top["category"], share=top["share"] * 100,
                        within=c.summary["within_target"] * 100,
                        target=survey.study.spec.complaints.target_hours))
    if report == "gap_model" and result.maturity is not None:
        m = result.maturity
        weakest = m.areas.sort_values(["level", "attainment"]).iloc[0]
        out.append(text(lang, "tracking_findings.maturity", level=m.level,
                        name=text(lang, f"tracking_levels.{LEVELS[m.level]}"),
                        area=weakest["area"]))
    return out


def _gaps(survey: Survey) -> pd.Series | None:
    """Mean P − E per dimension; None without an expectation form."""
    from .servqual import respondent_gaps

    if not survey.has("expectation"):
        return None
    gaps = respondent_gaps(survey.ratings["expectation"], survey.ratings["perception"],
                           survey.instrument.dimension_of())
    return gaps.drop(columns="overall").mean()


def check(study: Study) -> list[str]:
    """Read and check every tracking file the study names; return what it has."""
    have = []
    if study.spec.waves:
        load_waves(study)
        have.append("waves")
    for key, load in (("kpi", load_kpi), ("complaints", load_complaints),
                      ("maturity", load_assessment)):
        if load(study) is not None:
            have.append(key)
    return have
