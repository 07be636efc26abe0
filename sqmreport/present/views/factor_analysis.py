"""Sections of the factor-analysis report, and their key findings in plain words.

Each view takes the result of its section's function in
:mod:`sqmreport.analysis.factor_analysis`, shows it and adds its findings to the
report's summary.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqmreport.analysis import factor_analysis as fa
from sqmreport.analysis.factor_analysis import FactorReport, cfa_verdict, kmo_band
from sqmreport.data.survey import Survey
from sqmreport.present import plots
from sqmreport.present.i18n import text
from sqmreport.present.report import Report
from sqmreport.present.views.priorities import listing

__all__ = ["cfa", "efa", "factors", "findings", "method", "pca", "reliability", "suitability",
           "summary", "validity"]


def _options(rep: Report):
    return rep.study.spec.analysis.factor_analysis


def _problem(rep: Report, problem, section: str) -> bool:
    """Show why a section could not be computed (and say so in the findings); True when it could not."""
    if problem is None:
        return False
    rep.problem(problem)
    rep.add_findings(_problem_findings([section], rep.language))
    return True


def _missing(rep: Report, missing: str) -> str:
    return rep.t(f"fa_missing.{missing}")


def summary(rep: Report) -> None:
    """The key findings the sections shown so far added (the notebook's last cell)."""
    rep.summary()


def suitability(rep: Report, suitability: fa.Suitability) -> None:
    rep.section("suitability")
    form = _options(rep).form
    if form != "perception":  # say at the start what is analysed
        rep.note(f"fa_notes.form_{form}")
    if _problem(rep, suitability.problem, "suitability") or suitability.kmo is None:
        return
    kmo, b = suitability.kmo, suitability.bartlett
    missing = _missing(rep, suitability.missing)
    table = pd.DataFrame([("kmo", kmo.overall), ("bartlett_chi2", b.chi2),
                          ("bartlett_df", b.df), ("bartlett_p", b.p_value)],
                         columns=["measure", "value"])
    rep.write_table("suitability", table)
    shown = table.assign(label=table["measure"].map(lambda m: rep.t(f"fa_measures.{m}")),
                         shown=[f"{kmo.overall:.3f}", f"{b.chi2:,.1f}", f"{b.df:d}",
                                "<0.001" if b.p_value < 0.001 else f"{b.p_value:.3f}"])
    rep.table("suitability", shown, csv=False, columns=["label", "shown"],
              labels={"label": rep.t("fa_columns.measure"), "shown": rep.t("fa_columns.value")},
              values={"missing": missing, "n": b.n})
    per_item = kmo.per_item.rename_axis("item").reset_index()
    per_item.insert(1, "label", per_item["item"].map(rep.item_label))
    rep.table("kmo", per_item, columns=["label", "msa"])
    rep.figure("correlations", plots.plot_correlations(suitability.correlation,
                                                       language=rep.language),
               values={"missing": missing})
    rep.add_findings(_suitability_findings(kmo.overall, suitability.band, rep.language))


def _parallel_words(lang: str, communalities: str, quantile) -> dict:
    """What parallel analysis compared: the diagonal of its factor model and the random baseline."""
    baseline = (text(lang, "fa_parallel.mean") if quantile is None
                else text(lang, "fa_parallel.quantile", quantile=100 * quantile))
    return {"diagonal": text(lang, f"fa_parallel.{communalities}"), "baseline": baseline}


def factors(rep: Report, factors: fa.Factors) -> None:
    rep.section("factors")
    if _problem(rep, factors.problem, "factors") or factors.parallel is None:
        return
    words = _parallel_words(rep.language, factors.communalities, factors.quantile)
    rep.table("parallel_analysis", factors.parallel.head(min(len(factors.parallel), 12)),
              values={**words, "iterations": factors.n_iter, "seed": factors.seed})
    counts = pd.DataFrame(list(factors.suggested.items()), columns=["criterion", "factors"])
    counts["label"] = counts["criterion"].map(lambda c: rep.t(f"fa_measures.{c}"))
    rep.table("factor_counts", counts, csv=False, columns=["label", "factors"],
              labels={"label": rep.t("fa_columns.criterion")},
              values={"n": factors.n_factors, "reason": rep.t(f"fa_reasons.{factors.reason}")})
    rep.figure("scree", plots.plot_scree(factors.parallel, language=rep.language))
    if "parallel" in factors.suggested:
        rep.note(f"fa_notes.parallel_{factors.communalities}", n=factors.suggested["parallel"],
                 **words)
    rep.add_findings(_factor_findings(factors.suggested, rep.language))


def _fitted_section(rep: Report, section: str, part, fitted, heywood: str) -> bool:
    """Open a section that shows a fitted model: say why it is missing, or warn of a Heywood case."""
    rep.section(section)
    if _problem(rep, part.problem, section) or fitted is None:
        return False
    if part.heywood is not None:
        rep.note(f"fa_notes.{heywood}", **part.heywood.values)
    return True


def efa(rep: Report, efa: fa.EFA) -> None:
    if not _fitted_section(rep, "efa", efa, efa.solution, "heywood"):
        return
    solution = efa.solution
    loadings = solution.loadings
    table = loadings.copy()
    table["communality"] = solution.communalities
    table["uniqueness"] = solution.uniquenesses
    table = table.rename_axis("item").reset_index()
    rep.write_table("efa_loadings", table)
    rep.table("efa_loadings", _sorted_blanked(table, loadings, efa.threshold, rep),
              csv=False, columns=["label", *loadings.columns, "communality", "uniqueness"],
              values={"method": rep.t(f"fa_methods.{efa.method}"),
                      "rotation": rep.t(f"fa_rotations.{efa.rotation}"),
                      "missing": _missing(rep, efa.missing), "threshold": efa.threshold})
    rep.figure("loadings", plots.plot_loadings(loadings.rename(index=rep.item_label), language=rep.language))
    rep.table("efa_variance", solution.variance, values={"p": len(loadings)})
    if solution.phi is not None:
        phi = solution.phi.rename_axis("factor").reset_index()
        rep.table("efa_phi", phi, csv=False, kinds={"*": "coefficient"})
        for key, values in _phi_notes(efa.phi_flags):
            rep.note(key, **values)
    fit = pd.DataFrame([solution.fit])
    rep.table("efa_fit", fit, csv=False, columns=["chi2", "df", "p_value", "rmsea", "rmsea_ci_low",
                                                  "rmsea_ci_high", "tli", "bic"],
              labels={k: rep.t(f"fa_measures.{k}") for k in ("chi2", "df", "p_value", "rmsea", "tli", "bic")})
    matching = efa.matching.assign(label=efa.matching["dimension"].map(rep.dimension_name))
    rep.table("matching", matching, csv=False, columns=["factor", "label", "items", "recovered"],
              labels={"label": rep.t("columns.dimension")})
    odd = efa.odd
    if len(odd):
        odd = odd.assign(label=odd["item"].map(rep.item_label),
                         cross=odd["cross_loading"].map(lambda b: rep.t(f"yes_no.{'yes' if b else 'no'}")),
                         weak_=odd["weak"].map(lambda b: rep.t(f"yes_no.{'yes' if b else 'no'}")))
        rep.table("item_flags", odd, csv=False, columns=["label", "primary", "loading", "cross", "weak_"],
                  labels={"cross": rep.t("fa_columns.cross_loading"), "weak_": rep.t("fa_columns.weak")},
                  values={"threshold": efa.threshold})
    rep.add_findings(_efa_findings(efa.matching, efa.n_factors, efa.odd, rep.survey,
                                   efa.phi_flags))


def _phi_notes(flags) -> list[tuple[str, dict]]:
    """Cautions (locale key, values) on factor correlations that leave factors hardly distinct."""
    if flags is None:
        return []
    out = [("fa_notes.phi_near_one", {"a": a, "b": b, "r": r})
           for a, b, r in zip(flags["name"], flags["other"], flags["value"])
           if isinstance(a, str)]
    singular = flags[flags["check"] == "near_singular"]
    if len(singular):
        out.append(("fa_notes.phi_near_singular", {"value": singular["value"].iloc[0]}))
    return out


def _sorted_blanked(table: pd.DataFrame, loadings: pd.DataFrame, threshold: float, rep: Report):
    """Items sorted by their main factor and loading; small loadings blanked for display."""
    primary = loadings.abs().idxmax(axis=1)
    order = sorted(loadings.index, key=lambda i: (list(loadings.columns).index(primary[i]),
                                                  -abs(loadings.loc[i, primary[i]])))
    shown = table.set_index("item").loc[order].reset_index()
    for factor in loadings.columns:
        shown[factor] = [f"{v:.2f}" if abs(v) >= threshold else "" for v in shown[factor]]
    shown.insert(1, "label", shown["item"].map(rep.item_label))
    return shown


def _single_note(rep: Report, single, key: str) -> None:
    """One sentence naming the one-item dimensions a section leaves out, and why."""
    if single:
        rep.note(f"fa_notes.{key}", n=len(single), dimensions=_names(rep, single))


def reliability(rep: Report, reliability: fa.Reliability) -> None:
    rep.section("reliability")
    _single_note(rep, reliability.single, "single_reliability")
    if reliability.table.empty:
        return
    table = reliability.table.copy()
    table.insert(1, "label", table["dimension"].map(rep.dimension_name))
    rep.table("reliability", table,
              columns=["label", "k", "alpha", "alpha_ci_low", "alpha_ci_high", "std_alpha",
                       "omega_total", "n"],
              labels={"label": rep.t("columns.dimension")})
    items = reliability.item_total.copy()
    if len(items):
        items.insert(2, "label", items["item"].map(rep.item_label))
        items["dimension_label"] = items["dimension"].map(rep.dimension_name)
        rep.table("item_total", items,
                  columns=["dimension_label", "label", "item_rest", "alpha_if_deleted"],
                  labels={"dimension_label": rep.t("columns.dimension")})
    rep.add_findings(_reliability_findings(reliability.table, reliability.low, rep.language))


def cfa(rep: Report, cfa: fa.CFA) -> None:
    rep.section("cfa")
    _single_note(rep, cfa.single, "single_cfa")
    if _problem(rep, cfa.problem, "cfa") or cfa.result is None:
        return
    f = cfa.result.fit
    table = cfa.fit
    rep.write_table("cfa_fit", table)
    shown = table[~table["measure"].isin(["rmsea_ci_low", "rmsea_ci_high"])].copy()
    shown["label"] = shown["measure"].map(lambda m: rep.t(f"fa_measures.{m}"))
    shown["shown"] = [_fit_value(m, v) for m, v in zip(shown["measure"], shown["value"])]
    ci = f"[{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}]"
    shown.loc[shown["measure"] == "rmsea", "shown"] += f" {ci}"
    shown["met_label"] = shown["met"].map(
        lambda b: "" if b is None else rep.t(f"yes_no.{'yes' if b else 'no'}"))
    rep.table("cfa_fit", shown, csv=False, columns=["label", "shown", "cutoff", "met_label"],
              labels={"label": rep.t("fa_columns.measure"), "shown": rep.t("fa_columns.value"),
                      "met_label": rep.t("fa_columns.met")},
              values={"n": cfa.result.n_obs})
    for key, values in _improper_notes(cfa.result.improper, rep):
        rep.note(key, **values)
    loadings = cfa.result.loadings.copy()
    loadings.insert(1, "label", loadings["item"].map(rep.item_label))
    loadings["dimension_label"] = loadings["factor"].map(rep.dimension_name)
    rep.table("cfa_loadings", loadings, columns=["dimension_label", "label", "estimate", "se", "loading"],
              labels={"dimension_label": rep.t("columns.dimension")})
    rep.add_findings(_cfa_findings(f, cfa.verdict, rep.survey, cfa.result.n_obs, cfa.result.improper))


def _names(rep_or_survey, names) -> str:
    """Dimension or item names in the study's language, joined as a list."""
    survey = getattr(rep_or_survey, "survey", rep_or_survey)
    lang, inst = survey.language, survey.instrument

    def name(n):
        if n in inst.dimension_ids:
            return inst.dimension(n).name(lang)
        return inst.items[inst.item_ids.index(n)].label(lang) if n in inst.item_ids else str(n)

    return listing(lang, [name(n) for n in names], most=None)


def _improper_notes(improper: pd.DataFrame, rep: Report) -> list[tuple[str, dict]]:
    """One caution (locale key, values) per kind of improper estimate, naming what is
    affected and the most extreme value."""
    out = []
    for check, rows in improper.groupby("check", sort=False):
        if check == "correlation_near_one":  # one note per pair, with the value as the tables show it
            out += [("fa_improper.correlation_near_one",
                     {"items": _pair(rep, a, b), "value": r, "shown": f"{r:.2f}"})
                    for a, b, r in zip(rows["name"], rows["other"], rows["value"])]
            continue
        extreme = rows["value"].iloc[rows["value"].abs().argmax()] \
            if check == "loading_of_one_or_more" else rows["value"].min()
        out.append((f"fa_improper.{check}", {"value": extreme, "items": _names(rep, rows["name"].dropna())}))
    return out


def _pair(rep_or_survey, a: str, b: str) -> str:
    survey = getattr(rep_or_survey, "survey", rep_or_survey)
    return text(survey.language, "fa_improper.pair", a=_names(survey, [a]), b=_names(survey, [b]))


def _fit_value(measure: str, value: float) -> str:
    if measure == "df":
        return f"{value:.0f}"
    if measure == "p_value":
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    if measure in ("chi2", "aic", "bic"):
        return f"{value:,.2f}"
    return f"{value:.3f}"


def validity(rep: Report, cfa: fa.CFA) -> None:
    """Convergent and discriminant validity of the CFA model
    (``cfa``: :func:`sqmreport.analysis.factor_analysis.cfa`)."""
    rep.section("validity")
    if cfa.validity is None:
        if cfa.problem is not None:
            rep.problem(cfa.problem)
        return
    improper = cfa.result.improper
    near_one = improper[improper["check"] == "correlation_near_one"]
    for key, values in _improper_notes(near_one, rep):
        rep.note(key, **values)
    table = cfa.validity.copy()
    table.insert(1, "label", table["factor"].map(rep.dimension_name))
    one = len(table) == 1  # discriminant validity compares dimensions
    rep.table("validity", table, columns=["label", "composite_reliability", "ave"] if one else
              ["label", "composite_reliability", "ave", "sqrt_ave", "max_correlation", "max_htmt"],
              labels={"label": rep.t("columns.dimension")})
    if one:
        rep.add_findings(_validity_findings(cfa.validity, rep.language))
        return
    names = {d: rep.dimension_name(d) for d in cfa.fornell_larcker.index}
    for name, matrix in (("fornell_larcker", cfa.fornell_larcker), ("htmt", cfa.htmt)):
        lower = matrix.where(np.tril(np.ones(matrix.shape, dtype=bool)))
        rep.write_table(name, matrix.rename_axis("factor").reset_index(),
                        labels={"factor": rep.t("columns.dimension"), **names})
        shown = lower.rename(index=names, columns=names).rename_axis("label").reset_index()
        rep.table(name, shown, csv=False, labels={"label": rep.t("columns.dimension")})
    rep.add_findings(_validity_findings(cfa.validity, rep.language))


def pca(rep: Report, pca: fa.PCA) -> None:
    rep.section("pca")
    if pca.problem is not None:
        rep.problem(pca.problem)
        return
    if pca.result is None:
        return
    threshold = pca.threshold
    loadings = pca.result.loadings.rename(columns=lambda c: c.replace("F", "PC"))
    table = loadings.rename_axis("item").reset_index()
    rep.write_table("pca_loadings", table)
    rep.table("pca_loadings", _sorted_blanked(table, loadings, threshold, rep), csv=False,
              columns=["label", *loadings.columns],
              values={"k": loadings.shape[1], "threshold": threshold})


def method(rep: Report) -> None:
    """The data analysed and the study's settings for missing answers and correlations."""
    rep.section("method")
    options = _options(rep)
    rep.note("fa_notes.method", form=rep.t(f"fa_forms.{options.form}"),
             n=len(fa.form_data(rep.survey, options.form)), missing=_missing(rep, options.missing),
             correlation=rep.t(f"fa_correlations.{options.correlation}"))


# -- findings ---------------------------------------------------------------------------

# One piece per section; the views add them to the report as they show the section.

def _suitability_findings(kmo: float, band: str, lang: str) -> list[str]:
    return [text(lang, "fa_findings.suitability", kmo=kmo, verdict=text(lang, f"fa_kmo.{band}"))]


def _factor_findings(s: dict, lang: str) -> list[str]:
    if "parallel" not in s:
        return []
    return [text(lang, "fa_findings.factors", parallel=s["parallel"], map=s.get("map", "—"),
                 kaiser=s["kaiser"], instrument=s["instrument"])]


def _efa_findings(matching: pd.DataFrame, k: int, odd: pd.DataFrame, survey: Survey,
                  phi_flags: pd.DataFrame | None = None) -> list[str]:
    lang = survey.language
    recovered, total = int(matching["recovered"].sum()), int(matching["items"].sum())
    key = "recovered" if recovered == total else "partly"
    out = [text(lang, f"fa_findings.{key}", k=k, recovered=recovered, total=total,
                dimensions=len(survey.instrument.dimensions))]
    if len(odd):
        out.append(text(lang, "fa_findings.flags", n=len(odd),
                        items=text(lang, "list_sep").join(str(i) for i in odd["item"])))
    if phi_flags is not None and len(phi_flags):
        near = phi_flags[phi_flags["check"] == "correlation_near_one"]
        pairs = [text(lang, "fa_improper.pair", a=a, b=b) for a, b in zip(near["name"], near["other"])]
        out.append(text(lang, "fa_findings.efa_not_distinct", pairs=listing(lang, pairs, most=None))
                   if pairs else text(lang, "fa_findings.efa_near_singular"))
    return out


def _reliability_findings(table: pd.DataFrame, low: pd.DataFrame, lang: str) -> list[str]:
    if table.empty:
        return []
    if len(table) == 1:
        return [text(lang, "fa_findings.reliability_one", alpha=table["alpha"].iloc[0])
                + (" " + text(lang, "fa_findings.low_alpha", n=len(low)) if len(low) else "")]
    return [text(lang, "fa_findings.reliability", low=table["alpha"].min(), high=table["alpha"].max())
            + (" " + text(lang, "fa_findings.low_alpha", n=len(low)) if len(low) else "")]


def _cfa_findings(fit: dict, verdict: str, survey: Survey, n: int, improper: pd.DataFrame) -> list[str]:
    """The verdict on the model's fit, with a caution when the solution is improper."""
    lang = survey.language
    sentences = [text(lang, f"fa_findings.cfa_{verdict}", cfi=fit["cfi"], rmsea=fit["rmsea"],
                      low=fit["rmsea_ci_low"], high=fit["rmsea_ci_high"], srmr=fit["srmr"], n=n)]
    kinds = [c for c in dict.fromkeys(improper["check"]) if c != "correlation_near_one"]
    if kinds:
        what = listing(lang, [text(lang, f"fa_improper_short.{c}") for c in kinds], most=None)
        sentences.append(text(lang, "fa_findings.cfa_improper", what=what))
    near_one = improper[improper["check"] == "correlation_near_one"]
    if len(near_one):
        pairs = [_pair(survey, a, b) for a, b in zip(near_one["name"], near_one["other"])]
        sentences.append(text(lang, "fa_findings.cfa_not_distinct", pairs=listing(lang, pairs, most=None)))
    return [text(lang, "sentence_sep").join(sentences)]


def _validity_findings(v: pd.DataFrame, lang: str) -> list[str]:
    if len(v) == 1:
        return [text(lang, "fa_findings.validity_one", ave=v["ave"].iloc[0],
                     cr=v["composite_reliability"].iloc[0])]
    return [text(lang, "fa_findings.validity", ave=int(v["ave_ok"].sum()),
                 fl=int(v["fornell_larcker_ok"].sum()), htmt=int(v["htmt_ok"].sum()), k=len(v))]


def _problem_findings(sections, lang: str) -> list[str]:
    return [text(lang, f"fa_findings.problem_{name}") for name in sections
            if name in ("efa", "cfa", "suitability", "factors")]


def findings(result: FactorReport, survey: Survey) -> list[str]:
    """The report's key findings (of :func:`~sqmreport.analysis.factor_analysis.analyse`) in
    the study's language."""
    lang = survey.language
    out = []
    if result.kmo is not None:
        out += _suitability_findings(result.kmo.overall, kmo_band(result.kmo.overall), lang)
    out += _factor_findings(result.suggested, lang)
    if result.matching is not None:
        odd = result.flags[result.flags["cross_loading"] | result.flags["weak"]]
        out += _efa_findings(result.matching, result.n_factors, odd, survey, result.phi_flags)
    low = result.reliability[result.reliability["alpha"] < fa.LOW_ALPHA]
    out += _reliability_findings(result.reliability, low, lang)
    if result.cfa is not None:
        out += _cfa_findings(result.cfa.fit, cfa_verdict(result.cfa.fit), survey, result.cfa.n_obs,
                             result.cfa.improper)
        out += _validity_findings(result.validity, lang)
    out += _problem_findings(result.problems, lang)
    return out
