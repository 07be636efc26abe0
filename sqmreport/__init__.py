"""sqmreport: service-quality survey data to client-ready reports.

The statistics a researcher uses by name are here, loaded on first use so that
``import sqmreport`` (and the command line) stays fast::

    import sqmreport as sq
    survey = sq.load_survey("study.yml")
    sq.cronbach_alpha(survey.ratings["perception"][items]).alpha
    sq.fit_efa(data, 5, rotation="oblimin").loadings

``docs/api.md`` lists every name with what it computes and its R equivalent.  Data
come first, options are keyword-only and have one name across the package
(``p_adjust``, ``correlation``, ``missing``, ``confidence``); results are tidy
DataFrames or frozen dataclasses.

The package is layered, imports flowing one way (``docs/architecture.md``):
``data`` reads and checks inputs, ``stats`` computes (pure functions), ``analysis``
assembles what a report needs from a study's options, ``present`` shows it, ``build``
runs the notebooks and writes the reports.
"""

from sqmreport._validation import InputError

__version__ = "0.1.0"

# name -> module it lives in; ``docs/api.md`` lists them with what each computes.
_API = {
    # reading and checking a study
    "Study": "data.study", "load_study": "data.study",
    "Survey": "data.survey", "load_survey": "data.survey",
    "read_table": "data.files", "mask_personal_data": "data.privacy",
    # descriptive statistics, indices, groups
    "describe": "stats.descriptives", "distribution": "stats.descriptives",
    "dimension_scores": "stats.descriptives", "csi": "stats.descriptives",
    "nps": "stats.descriptives", "compare_segments": "stats.descriptives",
    "segment_profile": "stats.descriptives", "response_rate": "stats.descriptives",
    "adjust_p": "stats.descriptives", "suppress_small": "stats.disclosure",
    "protect": "stats.disclosure", "hidden_cells": "stats.descriptives",
    "pairwise": "stats.descriptives",
    # SERVQUAL and the gap model
    "item_gaps": "stats.servqual", "dimension_gaps": "stats.servqual",
    "respondent_gaps": "stats.servqual", "servqual_summary": "stats.servqual",
    "zone_of_tolerance": "stats.servqual",
    "difference_score_reliability": "stats.servqual",
    "gap_table": "stats.gaps", "service_levels": "stats.gaps", "sigma_level": "stats.gaps",
    # drivers and priorities
    "key_drivers": "stats.drivers", "relative_weights": "stats.drivers",
    "importance_performance": "stats.drivers", "crosshair": "stats.drivers",
    "item_priorities": "stats.priority", "PriorityResult": "stats.priority",
    "grey_relational": "stats.grey",
    # questionnaire: factor analysis, reliability, validity
    "correlation_matrix": "stats.efa", "polychoric": "stats.efa", "kmo": "stats.efa",
    "bartlett": "stats.efa", "parallel_analysis": "stats.efa", "velicer_map": "stats.efa",
    "fit_efa": "stats.efa", "pca": "stats.efa",
    "cronbach_alpha": "stats.reliability", "omega_total": "stats.reliability",
    "item_total": "stats.reliability",
    "fit_cfa": "stats.cfa", "composite_reliability": "stats.validity",
    "average_variance_extracted": "stats.validity", "fornell_larcker": "stats.validity",
    "htmt": "stats.validity", "validity_table": "stats.validity",
    # tracking and operations
    "compare_means": "stats.waves", "compare_summaries": "stats.waves",
    "scorecard": "stats.scorecard", "analyse_complaints": "stats.complaints",
    "pareto": "stats.complaints", "assess_maturity": "stats.maturity",
    # building reports (``sq.build`` would be the ``sqmreport.build`` layer itself)
    "build_reports": "build.render",
}
_RENAMED = {"assess_maturity": "assess", "build_reports": "build"}
# Modules whose names the 0.1 documentation gave (``sqmreport.efa.kmo`` ...): thin
# aliases of ``sqmreport.stats.<name>`` (``sqmreport/efa.py`` ...).
_MODULES = ("efa", "reliability", "cfa")

__all__ = ["InputError", "__version__", *sorted(_API)]


def __getattr__(name):
    from importlib import import_module

    if name in _API:
        value = getattr(import_module(f"sqmreport.{_API[name]}"), _RENAMED.get(name, name))
    elif name in _MODULES:  # ``sqmreport.efa``: the 0.1 name of ``sqmreport.stats.efa``
        value = import_module(f"sqmreport.{name}")
    else:
        raise AttributeError(f"module 'sqmreport' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_API) | set(_MODULES))
