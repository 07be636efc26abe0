"""Sections of the factor-analysis report, and its key findings in plain words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqmreport.present import plots
from sqmreport.stats.cfa import FIT_CUTOFFS
from sqmreport.analysis.factor_analysis import FactorReport
from sqmreport.data.survey import Survey
from sqmreport.present.i18n import text
from sqmreport.present.report import Report

__all__ = ["cfa", "efa", "factors", "method", "pca", "reliability", "suitability", "summary",
           "validity"]


def _options(rep: Report):
    return rep.study.spec.analysis.factor_analysis


def _problem(rep: Report, result: FactorReport, section: str) -> bool:
    """Show why a section could not be computed; True when it could not."""
    if section in result.problems:
        rep.problem(result.problems[section])
        return True
    return False


def _missing(rep: Report) -> str:
    return rep.t(f"fa_missing.{_options(rep).missing}")


def summary(rep: Report, result: FactorReport) -> None:
    rep.section("summary")
    rep.findings(findings(result, rep.survey))


def suitability(rep: Report, result: FactorReport) -> None:
    rep.section("suitability")
    if _problem(rep, result, "suitability") or result.kmo is None:
        return
    b = result.bartlett
    table = pd.DataFrame([("kmo", result.kmo.overall), ("bartlett_chi2", b.chi2),
                          ("bartlett_df", b.df), ("bartlett_p", b.p_value)],
                         columns=["measure", "value"])
    rep.write_table("suitability", table)
    shown = table.assign(label=table["measure"].map(lambda m: rep.t(f"fa_measures.{m}")),
                         shown=[f"{result.kmo.overall:.3f}", f"{b.chi2:,.1f}", f"{b.df:d}",
                                "<0.001" if b.p_value < 0.001 else f"{b.p_value:.3f}"])
    rep.table("suitability", shown, csv=False, columns=["label", "shown"],
              labels={"label": rep.t("fa_columns.measure"), "shown": rep.t("fa_columns.value")},
              note={"missing": _missing(rep), "n": b.n})
    per_item = result.kmo.per_item.rename_axis("item").reset_index()
    per_item.insert(1, "label", per_item["item"].map(rep.item_label))
    rep.table("kmo", per_item, columns=["label", "msa"])
    rep.figure("correlations", plots.plot_correlations(result.correlation, language=rep.language),
               note={"missing": _missing(rep)})


def factors(rep: Report, result: FactorReport) -> None:
    rep.section("factors")
    if _problem(rep, result, "factors") or result.parallel is None:
        return
    options = _options(rep)
    rep.table("parallel_analysis", result.parallel.head(min(len(result.parallel), 12)),
              note={"quantile": 95, "iterations": options.parallel_iterations,
                    "seed": rep.study.spec.analysis.seed})
    counts = pd.DataFrame([(k, v) for k, v in result.suggested.items()], columns=["criterion", "factors"])
    counts["label"] = counts["criterion"].map(lambda c: rep.t(f"fa_measures.{c}"))
    reason = options.n_factors if isinstance(options.n_factors, str) else "study"
    rep.table("factor_counts", counts, csv=False, columns=["label", "factors"],
              labels={"label": rep.t("fa_columns.criterion")},
              note={"n": result.n_factors, "reason": rep.t(f"fa_reasons.{reason}")})
    rep.figure("scree", plots.plot_scree(result.parallel, language=rep.language))


def _fitted_section(rep: Report, result: FactorReport, section: str, fitted, heywood: str) -> bool:
    """Open a section that shows a fitted model: say why it is missing, or warn of a Heywood case."""
    rep.section(section)
    if _problem(rep, result, section) or fitted is None:
        return False
    if heywood in result.problems:
        rep.note(f"fa_notes.{heywood}", **result.problems[heywood].values)
    return True


def efa(rep: Report, result: FactorReport) -> None:
    if not _fitted_section(rep, result, "efa", result.efa, "heywood"):
        return
    options = _options(rep)
    solution = result.efa
    loadings = solution.loadings
    table = loadings.copy()
    table["communality"] = solution.communalities
    table["uniqueness"] = solution.uniquenesses
    table = table.rename_axis("item").reset_index()
    rep.write_table("efa_loadings", table)
    rep.table("efa_loadings", _sorted_blanked(table, loadings, options.loading_threshold, rep),
              csv=False, columns=["label", *loadings.columns, "communality", "uniqueness"],
              note={"method": rep.t(f"fa_methods.{options.method}"),
                    "rotation": rep.t(f"fa_rotations.{options.rotation}"), "missing": _missing(rep),
                    "threshold": options.loading_threshold})
    rep.figure("loadings", plots.plot_loadings(loadings.rename(index=rep.item_label), language=rep.language))
    rep.table("efa_variance", solution.variance, note={"p": len(loadings)})
    if solution.phi is not None:
        phi = solution.phi.rename_axis("factor").reset_index()
        rep.table("efa_phi", phi, csv=False)
    fit = pd.DataFrame([solution.fit])
    rep.table("efa_fit", fit, csv=False, columns=["chi2", "df", "p_value", "rmsea", "rmsea_ci_low",
                                                  "rmsea_ci_high", "tli", "bic"],
              labels={k: rep.t(f"fa_measures.{k}") for k in ("chi2", "df", "p_value", "rmsea", "tli", "bic")})
    matching = result.matching.assign(label=result.matching["dimension"].map(rep.dimension_name))
    rep.table("matching", matching, csv=False, columns=["factor", "label", "items", "recovered"],
              labels={"label": rep.t("columns.dimension")})
    odd = result.flags.query("cross_loading or weak")
    if len(odd):
        odd = odd.assign(label=odd["item"].map(rep.item_label),
                         cross=odd["cross_loading"].map(lambda b: rep.t(f"yes_no.{'yes' if b else 'no'}")),
                         weak_=odd["weak"].map(lambda b: rep.t(f"yes_no.{'yes' if b else 'no'}")))
        rep.table("item_flags", odd, csv=False, columns=["label", "primary", "loading", "cross", "weak_"],
                  labels={"cross": rep.t("fa_columns.cross_loading"), "weak_": rep.t("fa_columns.weak")},
                  note={"threshold": options.loading_threshold})


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


def reliability(rep: Report, result: FactorReport) -> None:
    rep.section("reliability")
    table = result.reliability.copy()
    table.insert(1, "label", table["dimension"].map(rep.dimension_name))
    rep.table("reliability", table,
              columns=["label", "k", "alpha", "alpha_ci_low", "alpha_ci_high", "std_alpha", "omega_total", "n"],
              labels={"label": rep.t("columns.dimension")})
    items = result.item_total.copy()
    items.insert(2, "label", items["item"].map(rep.item_label))
    items["dimension_label"] = items["dimension"].map(rep.dimension_name)
    rep.table("item_total", items, columns=["dimension_label", "label", "item_rest", "alpha_if_deleted"],
              labels={"dimension_label": rep.t("columns.dimension")})


def cfa(rep: Report, result: FactorReport) -> None:
    if not _fitted_section(rep, result, "cfa", result.cfa, "cfa_heywood"):
        return
    f = result.cfa.fit
    rows = []
    for key in ("chi2", "df", "p_value", "cfi", "tli", "rmsea", "rmsea_ci_low", "rmsea_ci_high",
                "srmr", "aic", "bic"):
        op, cut = FIT_CUTOFFS.get(key, ("", np.nan))
        met = (f[key] >= cut if op == ">=" else f[key] <= cut) if op else None
        rows.append({"measure": key, "value": f[key], "cutoff": f"{op.replace('>=', '≥').replace('<=', '≤')} {cut:g}" if op else "",
                     "met": met})
    table = pd.DataFrame(rows)
    rep.write_table("cfa_fit", table)
    shown = table[~table["measure"].isin(["rmsea_ci_low", "rmsea_ci_high"])].copy()
    shown["label"] = shown["measure"].map(lambda m: rep.t(f"fa_measures.{m}"))
    shown["shown"] = [_fit_value(m, v) for m, v in zip(shown["measure"], shown["value"])]
    ci = f"[{f['rmsea_ci_low']:.3f}, {f['rmsea_ci_high']:.3f}]"
    shown.loc[shown["measure"] == "rmsea", "shown"] += f" {ci}"
    shown["met_label"] = shown["met"].map(lambda b: "" if b is None else rep.t(f"yes_no.{'yes' if b else 'no'}"))
    rep.table("cfa_fit", shown, csv=False, columns=["label", "shown", "cutoff", "met_label"],
              labels={"label": rep.t("fa_columns.measure"), "shown": rep.t("fa_columns.value"),
                      "met_label": rep.t("fa_columns.met")},
              note={"n": result.cfa.n_obs})
    loadings = result.cfa.loadings.copy()
    loadings.insert(1, "label", loadings["item"].map(rep.item_label))
    loadings["dimension_label"] = loadings["factor"].map(rep.dimension_name)
    rep.table("cfa_loadings", loadings, columns=["dimension_label", "label", "estimate", "se", "loading"],
              labels={"dimension_label": rep.t("columns.dimension")})


def _fit_value(measure: str, value: float) -> str:
    if measure == "df":
        return f"{value:.0f}"
    if measure == "p_value":
        return "<0.001" if value < 0.001 else f"{value:.3f}"
    if measure in ("chi2", "aic", "bic"):
        return f"{value:,.2f}"
    return f"{value:.3f}"


def validity(rep: Report, result: FactorReport) -> None:
    rep.section("validity")
    if result.validity is None:
        if "cfa" in result.problems:
            rep.problem(result.problems["cfa"])
        return
    table = result.validity.copy()
    table.insert(1, "label", table["factor"].map(rep.dimension_name))
    rep.table("validity", table, columns=["label", "composite_reliability", "ave", "sqrt_ave",
                                          "max_correlation", "max_htmt"],
              labels={"label": rep.t("columns.dimension")})
    names = {d: rep.dimension_name(d) for d in result.fornell_larcker.index}
    for name, matrix in (("fornell_larcker", result.fornell_larcker), ("htmt", result.htmt)):
        lower = matrix.where(np.tril(np.ones(matrix.shape, dtype=bool)))
        rep.write_table(name, matrix.rename_axis("factor").reset_index())
        shown = lower.rename(index=names, columns=names).rename_axis("label").reset_index()
        rep.table(name, shown, csv=False, labels={"label": rep.t("columns.dimension")})


def pca(rep: Report, result: FactorReport) -> None:
    rep.section("pca")
    if _problem(rep, result, "pca") or result.pca is None:
        return
    threshold = _options(rep).loading_threshold
    loadings = result.pca.loadings.rename(columns=lambda c: c.replace("F", "PC"))
    table = loadings.rename_axis("item").reset_index()
    rep.write_table("pca_loadings", table)
    rep.table("pca_loadings", _sorted_blanked(table, loadings, threshold, rep), csv=False,
              columns=["label", *loadings.columns], note={"k": loadings.shape[1], "threshold": threshold})


def method(rep: Report, result: FactorReport) -> None:
    rep.section("method")
    options = _options(rep)
    rep.note("fa_notes.method", form=rep.t(f"fa_forms.{options.form}"), n=len(result.items),
             missing=_missing(rep), correlation=rep.t(f"fa_correlations.{options.correlation}"))


# -- findings ---------------------------------------------------------------------------

def findings(result: FactorReport, survey: Survey) -> list[str]:
    """The report's key findings in the study's language."""
    lang = survey.language
    inst = survey.instrument
    out = []
    if result.kmo is not None:
        out.append(text(lang, "fa_findings.suitability", kmo=result.kmo.overall,
                        verdict=text(lang, f"fa_kmo.{_kmo_band(result.kmo.overall)}")))
    s = result.suggested
    if "parallel" in s:
        out.append(text(lang, "fa_findings.factors", parallel=s["parallel"], map=s.get("map", "—"),
                        kaiser=s["kaiser"], instrument=s["instrument"]))
    if result.matching is not None:
        recovered, total = int(result.matching["recovered"].sum()), int(result.matching["items"].sum())
        key = "recovered" if recovered == total else "partly"
        out.append(text(lang, f"fa_findings.{key}", k=result.n_factors, recovered=recovered,
                        total=total, dimensions=len(inst.dimensions)))
    if result.flags is not None:
        odd = result.flags.query("cross_loading or weak")
        if len(odd):
            labels = [f"{i}" for i in odd["item"]]
            out.append(text(lang, "fa_findings.flags", n=len(odd), items=text(lang, "list_sep").join(labels)))
    low = result.reliability.query("alpha < 0.7")
    out.append(text(lang, "fa_findings.reliability", low=result.reliability["alpha"].min(),
                    high=result.reliability["alpha"].max())
               + (" " + text(lang, "fa_findings.low_alpha", n=len(low)) if len(low) else ""))
    if result.cfa is not None:
        f = result.cfa.fit
        good = f["cfi"] >= 0.95 and f["rmsea"] <= 0.06 and f["srmr"] <= 0.08
        acceptable = f["cfi"] >= 0.90 and f["rmsea"] <= 0.08 and f["srmr"] <= 0.10
        verdict = "good" if good else "acceptable" if acceptable else "poor"
        out.append(text(lang, f"fa_findings.cfa_{verdict}", cfi=f["cfi"], rmsea=f["rmsea"], srmr=f["srmr"]))
        v = result.validity
        out.append(text(lang, "fa_findings.validity", ave=int(v["ave_ok"].sum()),
                        fl=int(v["fornell_larcker_ok"].sum()), htmt=int(v["htmt_ok"].sum()), k=len(v)))
    for name in result.problems:
        if name in ("efa", "cfa", "suitability", "factors"):
            out.append(text(lang, f"fa_findings.problem_{name}"))
    return out


def _kmo_band(value: float) -> str:
    """Kaiser's (1974) labels for the KMO."""
    for limit, band in ((0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"),
                        (0.6, "mediocre"), (0.5, "miserable")):
        if value >= limit:
            return band
    return "unacceptable"

