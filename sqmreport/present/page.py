"""Markers a report page carries from the notebook (or template) to the build, which fills them."""

FONT_FACE = "/* sqmreport:font-face */"  # in the page's <style>: the embedded font subset
TOC = "<!-- sqmreport:toc -->"  # after the title block: the table of contents
# The key findings are collected from the sections as they are shown and displayed by the
# notebook's last cell (``rep.summary()``) between FINDINGS_BEGIN and FINDINGS_END; the
# title block carries FINDINGS where the build moves that block, so the findings read first.
FINDINGS = "<!-- sqmreport:findings -->"
FINDINGS_BEGIN = "<!-- sqmreport:findings-begin -->"
FINDINGS_END = "<!-- sqmreport:findings-end -->"
