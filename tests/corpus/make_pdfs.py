"""Regenerate the PDF documents of the corpus (a real PDF writer, not hand-made bytes).

uv run --with reportlab==5.1.0 python tests/corpus/make_pdfs.py
"""

import textwrap
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
DOCUMENTS = {
    "lighthouses.pdf": (
        "Lighthouses",
        (
            "A Fresnel lens, invented by Augustin Fresnel in 1822, uses concentric prisms to focus the "
            "lamp into a beam visible more than 30 kilometres out to sea. Each lighthouse has its own "
            "light characteristic, a pattern of flashes that lets sailors identify it at night. "
            "The Pharos of Alexandria, one of the Seven Wonders of the Ancient World, was a lighthouse. "
            "Keepers trimmed the wicks and wound the clockwork that turned the lens until automation."
        ),
    ),
    "cheese_making.pdf": (
        "Making cheese",
        (
            "Cheese begins when rennet, an enzyme, curdles milk into solid curds and liquid whey. "
            "Cheddar curds are cut, stacked and turned in a process called cheddaring. "
            "Hard cheeses such as Parmigiano Reggiano are aged for at least twelve months, while "
            "the blue veins of Roquefort come from the mould Penicillium roqueforti. "
            "Brine baths give feta its salty taste."
        ),
    ),
}


def write_pdf(path: Path, title: str, body: str) -> None:
    page = canvas.Canvas(str(path), pagesize=A4, invariant=True)  # invariant: same bytes each run
    page.setTitle(title)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 770, title)
    page.setFont("Helvetica", 11)
    y = 740
    for line in textwrap.wrap(body, 90):
        page.drawString(72, y, line)
        y -= 16
    page.save()


if __name__ == "__main__":
    for name, (title, body) in DOCUMENTS.items():
        write_pdf(HERE / name, title, body)
