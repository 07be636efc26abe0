"""The demo's satisfaction and gap notebooks' cells, run in-process (for test_manifest)."""

import sqmreport as sq
from sqmreport.analysis import gap_model as gap
from sqmreport.analysis import satisfaction as sat
from sqmreport.analysis import tracking as trk
from sqmreport.present import Report
from sqmreport.present.views import gap_model as gshow
from sqmreport.present.views import satisfaction as show
from sqmreport.present.views import tracking as track


def run(out, study) -> None:
    survey = sq.load_survey(study)
    rep = Report(survey, "satisfaction", tables_dir=out / "satisfaction")
    rep.header()
    show.intro(rep)
    show.response(rep, sat.response(survey))
    show.items(rep, sat.items(survey))
    show.dimensions(rep, sat.dimensions(survey))
    show.csi(rep, sat.csi(survey))
    show.nps(rep, sat.nps(survey))
    segments = sat.segments(survey)
    show.segments(rep, segments)
    show.drivers(rep, sat.drivers(survey))
    show.q_matrix(rep, sat.q_matrix(survey))
    show.grey(rep, sat.grey(survey, segments=segments))
    waves = trk.waves(survey)
    track.waves(rep, waves)
    track.scorecard(rep, trk.scorecard(survey))
    track.complaints(rep, trk.complaints(survey))
    show.comments(rep, sat.comments(survey))
    show.method(rep)
    show.summary(rep)

    rep = Report(survey, "gap_model", tables_dir=out / "gap_model")
    rep.header()
    gshow.servqual(rep, gap.item_gaps(survey))
    gshow.overview(rep, gap.overview(survey))
    gshow.five_gaps(rep, gap.five_gaps(survey))
    gshow.delivery(rep, gap.delivery(survey))
    gshow.zone(rep, gap.zone(survey))
    gshow.priorities(rep, gap.priorities(survey))
    track.waves(rep, waves)
    track.maturity(rep, trk.maturity(survey))
    gshow.caution(rep, gap.caution(survey))
    gshow.method(rep)
    gshow.summary(rep)
