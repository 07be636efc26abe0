"""``sqmreport.cfa``: the name the 0.1 documentation gave :mod:`sqmreport.stats.cfa`.

Its public names are the very objects of :mod:`sqmreport.stats.cfa` (not copies), so
``from sqmreport.cfa import ...`` keeps working.  New code: ``import sqmreport as sq``.
"""

from sqmreport.stats import cfa as _module

__all__ = list(_module.__all__)
globals().update({name: getattr(_module, name) for name in __all__})
