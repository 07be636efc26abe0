"""Markers a report page carries from the notebook (or template) to the build, which fills them."""

FONT_FACE = "/* sqmreport:font-face */"  # in the page's <style>: the embedded font subset
TOC = "<!-- sqmreport:toc -->"  # after the title block: the table of contents
