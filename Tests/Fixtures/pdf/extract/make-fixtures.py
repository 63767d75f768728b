#!/usr/bin/env python3
"""Writes the small PDFs pl-extract's PDF tests read, next to this script.

Needs reportlab (pip install reportlab in a virtual environment). The output is byte-for-byte
repeatable (reportlab's invariant mode: fixed dates and document ids), so the committed files
are what this script writes.

  report.pdf       a two-page lab report: key/value header, a ruled results table that
                   continues on page 2 under a repeated header row, a footer line
  unruled.pdf      one page: header lines and a whitespace-aligned table (no rules)
  scan.pdf         one page that is an image only (a scanned report: no text layer)
  mixed-scan.pdf   page 1 text, page 2 an image only
  blank.pdf        one page with nothing on it
  encrypted.pdf    report.pdf's content, encrypted (user password "s3cret")
  damaged.pdf      report.pdf with its cross-reference table and trailer overwritten
  truncated.pdf    the first 60 % of report.pdf
  With --pages N OUT it writes only OUT: N pages like page 1 of report.pdf (for speed and
  memory measurements; not committed).

The golden cases under Tests/EndToEnd/Cases/extract/03NN-pdf-* hold copies of these files.
"""
import io
import re
import os
import sys

from reportlab import rl_config

rl_config.invariant = 1
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.lib import pdfencrypt

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTH, HEIGHT = A4

HEADER = [
    ("Report No.", "TR-24-0117", "Sample ID", "S24-00412"),
    ("Client", "Polderland Foods B.V.", "Lab sample no.", "L-24-8841"),
    ("Product", "Oat drink, barista", "Lot / batch", "B2403-7"),
    ("Received", "04 Mar 2024", "Date of issue", "11 Mar 2024"),
]
COLUMNS = ["Analyte", "Result", "Unit", "LOQ", "Method"]
WIDTHS = [58 * mm, 22 * mm, 24 * mm, 16 * mm, 50 * mm]
ROWS = [
    ("Moisture*", "88.4", "g/100 g", "0.1", "SOP-CH-004"),
    ("Protein (N x 6.25)", "1.1", "g/100 g", "0.1", "ISO 8968-1"),
    ("Fat (acid hydrolysis)", "1.5", "g/100 g", "0.1", "SOP-CH-011"),
    ("Carbohydrates", "6.7", "g/100 g", "-", "calculated"),
    ("Sugars", "4.0", "g/100 g", "0.1", "HPLC-RI"),
    ("Dietary fibre", "0.8", "g/100 g", "0.2", "AOAC 2011.25"),
    ("Salt", "0.10", "g/100 g", "0.01", "calc. from Na"),
    ("Calcium", "120", "mg/100 g", "1", "ICP-OES"),
    ("Vitamin D2", "<0.5", "µg/100 g", "0.5", "LC-MS/MS"),
    ("Riboflavin", "0.21", "mg/100 g", "0.02", "HPLC-FLD"),
    ("Vitamin B12", "0.38", "µg/100 g", "0.05", "LC-MS/MS"),
    ("Aerobic plate count", "1.1E+02", "cfu/g", "10", "ISO 4833-1"),
    ("Yeasts and moulds", "< 10", "cfu/g", "10", "ISO 21527-1"),
    ("Enterobacteriaceae", "n.d.", "cfu/g", "10", "ISO 21528-2"),
]
FIRST_PAGE_ROWS = 9


def header_block(c, top):
    c.setFont("Helvetica-Bold", 14)
    c.drawString(20 * mm, top, "Example Food Laboratory")
    c.setFont("Helvetica", 9)
    c.drawString(20 * mm, top - 5 * mm, "Test report")
    y = top - 14 * mm
    for k1, v1, k2, v2 in HEADER:
        c.setFont("Helvetica-Bold", 9)
        c.drawString(20 * mm, y, k1 + ":")
        c.drawString(110 * mm, y, k2 + ":")
        c.setFont("Helvetica", 9)
        c.drawString(48 * mm, y, v1)
        c.drawString(140 * mm, y, v2)
        y -= 5.5 * mm
    return y - 6 * mm


def ruled_table(c, top, rows):
    """Draws the header row and `rows` in a grid; returns the y below it."""
    row_h = 7 * mm
    x0 = 20 * mm
    xs = [x0]
    for w in WIDTHS:
        xs.append(xs[-1] + w)
    all_rows = [COLUMNS] + list(rows)
    y = top
    c.setLineWidth(0.6)
    c.setStrokeColor(colors.black)
    for r, row in enumerate(all_rows):
        c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
        for i, cell in enumerate(row):
            c.drawString(xs[i] + 1.5 * mm, y - row_h + 2.3 * mm, cell)
        y -= row_h
    bottom = y
    for i in range(len(all_rows) + 1):
        c.line(xs[0], top - i * row_h, xs[-1], top - i * row_h)
    for x in xs:
        c.line(x, top, x, bottom)
    return bottom


def footer(c, page, pages):
    c.setFont("Helvetica", 7)
    c.drawString(20 * mm, 12 * mm, "* accredited method. Results relate only to the sample tested.")
    c.drawRightString(WIDTH - 20 * mm, 12 * mm, f"Page {page} of {pages}")


def report_pages(c, pages=2):
    y = header_block(c, HEIGHT - 25 * mm)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(20 * mm, y, "Results")
    ruled_table(c, y - 4 * mm, ROWS[:FIRST_PAGE_ROWS])
    footer(c, 1, pages)
    c.showPage()
    ruled_table(c, HEIGHT - 25 * mm, ROWS[FIRST_PAGE_ROWS:])
    c.setFont("Helvetica", 9)
    c.drawString(20 * mm, HEIGHT - 25 * mm - 8 * mm * (len(ROWS) - FIRST_PAGE_ROWS + 2), "Approved by: Dr. A. Jansen, laboratory manager")
    footer(c, 2, pages)
    c.showPage()


def write(name, draw, **kwargs):
    """Writes the PDF `draw` makes to `name` (beside this script unless a path)."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, **kwargs)
    c.setTitle(name)
    draw(c)
    c.save()
    data = buffer.getvalue()
    with open(name if os.sep in name else os.path.join(HERE, name), "wb") as f:
        f.write(data)
    return data


def unruled(c):
    c.setFont("Helvetica-Bold", 12)
    c.drawString(20 * mm, HEIGHT - 25 * mm, "Moisture and protein, batch B2403-7")
    c.setFont("Helvetica", 9)
    c.drawString(20 * mm, HEIGHT - 32 * mm, "Analyst: K. Smit")
    xs = [20 * mm, 75 * mm, 100 * mm, 125 * mm]
    y = HEIGHT - 45 * mm
    for r, row in enumerate([("Sample", "Moisture", "Protein", "Ash")] + [
        ("S24-00412 oat base", "88.4", "1.1", "0.3"),
        ("S24-00413 oat base", "88.1", "1.2", "0.3"),
        ("S24-00414 oat base", "87.9", "1.2", "0.4"),
        ("S24-00415 oat base", "88.6", "1.0", "0.3"),
    ]):
        c.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
        for x, cell in zip(xs, row):
            c.drawString(x, y, cell)
        y -= 6 * mm
    c.showPage()


def image_page(c):
    """A grey page image with dark bars where text would be: what a scanner gives."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (620, 877), 235)
    draw = ImageDraw.Draw(image)
    for i in range(30):
        draw.rectangle([60, 80 + i * 24, 60 + (i * 37) % 420 + 80, 92 + i * 24], fill=40)
    c.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)


def scan(c):
    image_page(c)
    c.showPage()


def mixed(c):
    header_block(c, HEIGHT - 25 * mm)
    c.showPage()
    image_page(c)
    c.showPage()


def blank(c):
    c.showPage()


def many(c, count):
    for n in range(count):
        y = header_block(c, HEIGHT - 25 * mm)
        ruled_table(c, y - 4 * mm, ROWS[:FIRST_PAGE_ROWS])
        footer(c, n + 1, count)
        c.showPage()


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--pages":
        count = int(sys.argv[2])
        write(os.path.abspath(sys.argv[3]), lambda c: many(c, count))
        return
    report = write("report.pdf", report_pages)
    write("unruled.pdf", unruled)
    write("scan.pdf", scan)
    write("mixed-scan.pdf", mixed)
    write("blank.pdf", blank)
    write("encrypted.pdf", report_pages, encrypt=pdfencrypt.StandardEncryption("s3cret", ownerPassword="owner-pw", strength=128))
    # Damaged: garbage cross-reference offsets, a broken trailer keyword, startxref past the end.
    xref = report.rindex(b"\nxref") + 1
    start = report.rindex(b"startxref")
    table = report[xref:start]
    table = re.sub(rb"\n\d{10} (\d{5}) n", lambda m: b"\n" + b"%010d" % (len(report) * 7 + int(m.start())) + b" " + m.group(1) + b" n", table)
    table = table.replace(b"trailer", b"trai1er")
    damaged = report[:xref] + table + b"startxref\n%d\n%%%%EOF\n" % (len(report) * 3)
    with open(os.path.join(HERE, "damaged.pdf"), "wb") as f:
        f.write(damaged)
    with open(os.path.join(HERE, "truncated.pdf"), "wb") as f:
        f.write(report[: len(report) * 6 // 10])


if __name__ == "__main__":
    main()
