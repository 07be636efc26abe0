"""Everything a build reads, checked before any notebook runs."""

from __future__ import annotations

from sqmreport.data.operations import load_assessment, load_complaints, load_kpi
from sqmreport.data.records import load_item_levels, load_management, load_service_levels
from sqmreport.data.study import Study
from sqmreport.data.waves import load_waves

__all__ = ["check"]


def check(study: Study) -> list[str]:
    """Read and check every file the study names beside its survey (gap-model records,
    earlier waves, KPIs, complaints, maturity assessment); return the keys it has."""
    load_management(study)
    load_item_levels(study, "standards", "standard")
    load_item_levels(study, "promises", "promised")
    load_service_levels(study)
    have = [key for key in ("management", "standards", "service_levels", "promises")
            if study.data_file(key) is not None]
    if study.spec.waves:
        load_waves(study)
        have.append("waves")
    for key, load in (("kpi", load_kpi), ("complaints", load_complaints),
                      ("maturity", load_assessment)):
        if load(study) is not None:
            have.append(key)
    return have
