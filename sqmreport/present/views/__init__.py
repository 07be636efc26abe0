"""The sections of each report: how results are shown (tables, figures, notes).

A notebook calls one function per section; researchers can reorder, drop or add
sections in the notebook without touching the statistics.
"""
