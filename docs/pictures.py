"""The README's pictures of each deliverable, made from a fresh build of the demo.

``make pictures`` runs it (after installing, on Debian, Chromium, LibreOffice and a CJK
font when they are missing): it builds the Chinese demo with every deliverable into a
temporary folder and writes ``docs/pictures/*.png`` (not committed: they are build
outputs):

- ``overview.png``: the executive overview (index.html) in Chromium at desktop width;
- ``phone.png``: the satisfaction report at 390 px, as a phone shows it;
- ``pdf.png``: the PDF's cover, contents and two report pages (pypdfium2);
- ``workbook.png``: the workbook's index sheet and a table sheet (LibreOffice's PDF export);
- ``deck.png``: the deck's slides (LibreOffice's PDF export).

A picture whose tool is missing is skipped with one line saying which.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "pictures"
CHROMIUM = "/usr/bin/chromium"


def _pages(pdf: Path, numbers, scale: float = 1.0) -> list:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    return [document[i].render(scale=scale).to_pil() for i in numbers if i < len(document)]


def _grid(images: list, columns: int, path: Path, gap: int = 16) -> None:
    from PIL import Image

    width = max(i.size[0] for i in images)
    height = max(i.size[1] for i in images)
    rows = (len(images) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * width + (columns + 1) * gap, rows * height + (rows + 1) * gap),
                      (226, 230, 236))
    for k, image in enumerate(images):
        x = gap + (k % columns) * (width + gap)
        y = gap + (k // columns) * (height + gap)
        sheet.paste(image, (x, y))
    sheet.save(path, optimize=True)
    print(f"wrote {path.relative_to(REPO)}")


def _screenshot(page: Path, path: Path, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        tab = browser.new_page(viewport={"width": width, "height": height})
        tab.goto(page.as_uri())
        tab.screenshot(path=str(path), full_page=False)
        browser.close()
    print(f"wrote {path.relative_to(REPO)}")


def _office_pdf(document: Path, folder: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder),
                    str(document)], check=True, capture_output=True, timeout=300)
    return folder / f"{document.stem}.pdf"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sqmreport-pictures-") as tmp:
        tmp = Path(tmp)
        out = tmp / "demo"
        subprocess.run([Path(sys.executable).parent / "sqmreport", "build",
                        str(REPO / "data" / "demo" / "study.yml"), "--out", str(out),
                        "--deliverables", "all"], check=True)
        if Path(CHROMIUM).exists():
            _screenshot(out / "index.html", OUT / "overview.png", 1100, 1300)
            _screenshot(out / "satisfaction.html", OUT / "phone.png", 390, 844)
        else:
            print("skipped overview.png and phone.png: no Chromium (make test-browser installs it)")
        _grid(_pages(out / "report.pdf", [0, 1, 5, 9], scale=0.8), 4, OUT / "pdf.png")
        for name, numbers, columns in (("workbook", [0, 3], 2), ("deck", range(9), 3)):
            pdf = _office_pdf(out / f"{name}.{'xlsx' if name == 'workbook' else 'pptx'}", tmp)
            if pdf is None:
                print(f"skipped {name}.png: no LibreOffice (make pictures installs it on Debian)")
                continue
            _grid(_pages(pdf, numbers, scale=0.7 if name == "deck" else 1.0), columns,
                  OUT / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
