"""sqmreport: service-quality survey data to client-ready reports.

The statistics live in modules named after what they compute (``descriptives``,
``drivers``, ``grey``, ...); ``load_study`` and ``load_survey`` read and check a
study; ``sqmreport build`` renders its reports.
"""

from ._validation import InputError
from .study import Study, load_study
from .survey import Survey, load_survey

__version__ = "0.1.0"

__all__ = ["InputError", "Study", "Survey", "__version__", "load_study", "load_survey"]
