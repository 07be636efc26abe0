"""The README's quick start for researchers, done as a researcher would do it.

Open a report's notebook, change the rotation of the exploratory factor analysis at its
call site, add a paragraph of narrative under it, save, rebuild: the report shows both.
(The researcher edits ``sqmreport/notebooks/`` in JupyterLab; the test edits a copy of
it the same way, with nbformat, and builds with that folder.)
"""

from __future__ import annotations

import html
import shutil

import nbformat

from sqmreport.build.render import build

from .conftest import DEMO, REPO

PARAGRAPH = "Our reading: the varimax solution separates reliability from responsiveness."


def _page(out):
    return html.unescape((out / "factor_analysis.html").read_text(encoding="utf-8"))


def test_a_researcher_changes_an_option_and_adds_narrative(tmp_path):
    study = tmp_path / "study"
    shutil.copytree(DEMO, study)
    notebooks = tmp_path / "notebooks"
    shutil.copytree(REPO / "sqmreport" / "notebooks", notebooks)
    out = tmp_path / "out"

    build(study / "study-en.yml", out=out, reports=["factor_analysis"], notebooks=notebooks)
    before = _page(out)
    assert "oblimin (oblique) rotation" in before and PARAGRAPH not in before

    path = notebooks / "factor_analysis.ipynb"
    nb = nbformat.read(path, as_version=4)
    cells = {cell.id: cell for cell in nb.cells}
    efa = cells["efa"]
    assert "rotation=None" in efa.source  # the option is at the call site
    efa.source = efa.source.replace("rotation=None", 'rotation="varimax"')
    at = nb.cells.index(efa) + 1
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(PARAGRAPH))
    nbformat.validate(nb)
    nbformat.write(nb, path)

    built = build(study / "study-en.yml", out=out, reports=["factor_analysis"],
                  notebooks=notebooks)
    assert [b.rebuilt for b in built] == [True]  # the changed notebook is rebuilt
    after = _page(out)
    assert "varimax (orthogonal) rotation" in after
    assert "oblimin (oblique) rotation" not in after
    # The paragraph stands where it was put: after the EFA section, before reliability.
    assert PARAGRAPH in after
    assert after.index('id="efa"') < after.index(PARAGRAPH) < after.index('id="reliability"')
