"""Report assembly: a study's options -> the statistics a report needs -> its results.

:data:`REPORT_INPUTS` says which of a study's files and options each report reads, so that
``sqmreport build`` rebuilds only the reports a change concerns (a changed ``promises.csv``
rebuilds the gap report, not the satisfaction report).  When a section starts reading
another file or option, add it here; a key of the study file that no report declares counts
for every report (and fails ``tests/test_render.py``, so that it gets declared).
"""

# Read by every report: the survey and every option that says how to read it, the title
# block, and the statistical options all reports share.
_SURVEY_OPTIONS = (
    "instrument", "respondent_id", "columns", "scale", "scales", "reverse_items", "missing_codes",
    "overall", "recommend", "importance", "segments", "comments", "personal_columns",
    "min_group_size", "questionnaires",
)
# The respondent noun is in every report's words; the sector only in the gap report's causes.
_TITLE_OPTIONS = ("title", "client", "fieldwork", "language", "logo", "respondent")
_SHARED_OPTIONS = ("analysis.confidence", "analysis.seed", "analysis.p_adjust")
# The comparison with earlier waves (satisfaction and gap reports): the wave files, the
# labels of this wave (``wave``, else ``fieldwork``, else ``name``), the report that shows
# the comparison in full (the first of ``reports``), and the importance the priorities use.
_WAVES_OPTIONS = ("waves", "wave", "name", "reports", "analysis.q_matrix")

REPORT_INPUTS = {
    "satisfaction": {
        "data": ("survey", "waves", "kpi", "complaints"),
        "options": (*_SURVEY_OPTIONS, *_TITLE_OPTIONS, *_SHARED_OPTIONS, *_WAVES_OPTIONS,
                    "analysis.csi_weights", "analysis.segment_test", "analysis.grey_segment",
                    "scorecard", "complaints"),
    },
    "gap_model": {
        "data": ("survey", "management", "standards", "service_levels", "promises", "waves",
                 "maturity"),
        "options": (*_SURVEY_OPTIONS, *_TITLE_OPTIONS, *_SHARED_OPTIONS, *_WAVES_OPTIONS,
                    "analysis.servqual_weights", "maturity", "sector"),
    },
    "factor_analysis": {
        "data": ("survey",),
        "options": (*_SURVEY_OPTIONS, *_TITLE_OPTIONS, *_SHARED_OPTIONS,
                    "analysis.factor_analysis"),
    },
}
"""Per report: ``data``, the keys of the study's ``data`` section it reads (``waves``: the
earlier waves' files), and ``options``, the keys of the study file it reads (a dotted key
such as ``analysis.factor_analysis`` is one option inside a section)."""

#: Keys of the study file that no report reads: what the build makes of the reports.
BUILD_OPTIONS = ("deliverables",)
