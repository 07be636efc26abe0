"""``sqmreport.efa``: the name the 0.1 documentation gave :mod:`sqmreport.stats.efa`.

Its public names are the very objects of :mod:`sqmreport.stats.efa` (not copies), so
``from sqmreport.efa import ...`` keeps working.  New code: ``import sqmreport as sq``.
"""

from sqmreport.stats import efa as _module

__all__ = list(_module.__all__)
globals().update({name: getattr(_module, name) for name in __all__})
