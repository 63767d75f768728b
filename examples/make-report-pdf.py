#!/usr/bin/env python3
"""Writes examples/lab-report.pdf: a contract lab's test report as labs send them.

A key/value header in two columns, a whitespace-aligned results table (no rules) with units
and LOQs, decimal commas, censored and not-detected results, a footnote marker and a footer.
Needs reportlab (python3 -m venv venv && venv/bin/pip install reportlab). The output is
repeatable byte for byte (reportlab's invariant mode), so the committed PDF is what this writes.
"""
import os

from reportlab import rl_config

rl_config.invariant = 1
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTH, HEIGHT = A4

HEADER = [
    ("Report No.", "EX-24-0042", "Sample ID", "S24-00519"),
    ("Client", "Polderland Foods B.V.", "Lab sample no.", "EX-S24-1177"),
    ("Product", "Oat flakes, wholegrain", "Lot / batch", "L24071A"),
    ("Sample received", "11 Mar 2024", "Date of issue", "15 Mar 2024"),
    ("Date of analysis", "13 Mar 2024", "Analyst", "J. de Vries"),
]
COLUMNS = [("Analyte", 20), ("Result", 88), ("Unit", 112), ("LOQ", 140), ("Method", 158)]
ROWS = [
    ("Moisture", "9,8", "g/100 g", "0,1", "ISO 712"),
    ("Protein (N x 6,25)*", "13,4", "g/100 g", "0,1", "ISO 20483"),
    ("Fat", "6,9", "g/100 g", "0,1", "ISO 11085"),
    ("Ash", "1,7", "g/100 g", "0,05", "ISO 2171"),
    ("Dietary fibre", "10,2", "g/100 g", "0,5", "AOAC 991.43"),
    ("Beta-glucan", "4,1", "g/100 g", "0,1", "AOAC 995.16"),
    ("Aflatoxin B1", "<0,1", "µg/kg", "0,1", "LC-MS/MS"),
    ("Ochratoxin A", "n.d.", "µg/kg", "0,2", "LC-MS/MS"),
    ("Aerobic plate count", "2,3E+03", "cfu/g", "10", "ISO 4833-1"),
]


def main():
    path = os.path.join(HERE, "lab-report.pdf")
    c = canvas.Canvas(path, pagesize=A4)
    c.setTitle("Test report EX-24-0042")
    c.setFont("Helvetica-Bold", 14)
    c.drawString(20 * mm, HEIGHT - 22 * mm, "Example Contract Laboratory")
    c.setFont("Helvetica", 9)
    c.drawString(20 * mm, HEIGHT - 27 * mm, "Test report")
    y = HEIGHT - 38 * mm
    for k1, v1, k2, v2 in HEADER:
        c.setFont("Helvetica-Bold", 9)
        c.drawString(20 * mm, y, k1 + ":")
        c.drawString(110 * mm, y, k2 + ":")
        c.setFont("Helvetica", 9)
        c.drawString(52 * mm, y, v1)
        c.drawString(140 * mm, y, v2)
        y -= 5.5 * mm
    y -= 8 * mm
    c.setFont("Helvetica-Bold", 10)
    c.drawString(20 * mm, y, "Results")
    y -= 8 * mm
    c.setFont("Helvetica-Bold", 9)
    for name, x in COLUMNS:
        c.drawString(x * mm, y, name)
    c.setLineWidth(0.5)
    c.line(20 * mm, y - 2 * mm, 190 * mm, y - 2 * mm)
    y -= 7 * mm
    c.setFont("Helvetica", 9)
    for row in ROWS:
        for (_, x), cell in zip(COLUMNS, row):
            c.drawString(x * mm, y, cell)
        y -= 6 * mm
    c.setFont("Helvetica", 7)
    c.drawString(20 * mm, y - 6 * mm, "* accredited method. Results relate only to the sample as received.")
    c.drawRightString(WIDTH - 20 * mm, 12 * mm, "Page 1 of 1")
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
