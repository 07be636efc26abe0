"""The deliverables a consultant hands over, made from the reports a build wrote.

Each is made from the reports' manifests (:mod:`sqmreport.present.manifest`), their
tables and their pages, never from the data: every word is in the study's language and
every number is one a report shows.

- :mod:`.overview`: the executive overview (``index.html``): the study in one line, the
  headline figures with their intervals and changes, the actions, links into the reports.
- :mod:`.workbook`: an Excel workbook (``workbook.xlsx``), one sheet per table.
- :mod:`.pdf`: one A4 PDF (``report.pdf``): cover, contents, the overview and the reports.
- :mod:`.deck`: an editable PowerPoint deck (``deck.pptx``).

Each file carries the study's provenance (its inputs' SHA-256, the sqmreport version, the
build time) in its metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["FILES", "StudyInfo"]

#: deliverable -> the file it is written to in the report folder.
FILES = {"overview": "index.html", "workbook": "workbook.xlsx", "pdf": "report.pdf",
         "deck": "deck.pptx"}


@dataclass(frozen=True)
class StudyInfo:
    """What every deliverable says about the study (from its study file)."""

    name: str  # the study's name (its report folder)
    title: str
    language: str  # zh or en
    client: str = ""
    fieldwork: str = ""
    logo: bytes | None = None  # the study's logo file, as the build read and hashed it
    logo_type: str = ""  # its MIME type (image/png ...)
    #: Input file name -> SHA-256, and ``sqmreport`` (version) and ``built`` (ISO time, UTC).
    provenance: dict = field(default_factory=dict)
    #: The reports in the study's order (satisfaction, gap_model, factor_analysis), each with
    #: its page's file name.
    reports: tuple[str, ...] = ()
