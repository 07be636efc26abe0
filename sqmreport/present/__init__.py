"""The presentation layer: the report object, the views of each section, plots, words.

``from sqmreport.present import Report`` is loaded on first use, so that importing the
page markers (:mod:`sqmreport.present.page`) does not import matplotlib.
"""

__all__ = ["Report"]


def __getattr__(name):
    if name == "Report":
        from sqmreport.present.report import Report

        globals()[name] = Report
        return Report
    raise AttributeError(f"module 'sqmreport.present' has no attribute {name!r}")
