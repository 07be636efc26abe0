"""sqmreport: service-quality survey data to client-ready reports.

The statistics live in modules named after what they compute (``descriptives``,
``drivers``, ``grey``, ...); ``load_study`` and ``load_survey`` read and check a
study; ``sqmreport build`` renders its reports.
"""

from ._validation import InputError

__version__ = "0.1.0"

__all__ = ["InputError", "Study", "Survey", "__version__", "load_study", "load_survey"]

# Re-exported on first use, so that importing the package (and starting the CLI)
# does not import pandas.
_LAZY = {"Study": "study", "load_study": "study", "Survey": "survey", "load_survey": "survey"}


def __getattr__(name):
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
