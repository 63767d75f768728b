"""Writes the layout fixture PDFs next to this script (python3 with reportlab from PyPI).

Each PDF holds one kind of layout the table finder must read; the tests in
Tests/PLPDFTests state the grid each table must give. Positions are given from the top of the
page (y grows downwards), as the layout engine sees them.
"""
import os
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = A4


def text(c, x, y, s, size=9, font="Helvetica", align="left"):
    """Draws s with its baseline y points from the top."""
    c.setFont(font, size)
    if align == "right":
        c.drawRightString(x, H_CUR[0] - y, s)
    else:
        c.drawString(x, H_CUR[0] - y, s)


def hline(c, x1, x2, y, width=0.5):
    c.setLineWidth(width)
    c.line(x1, H_CUR[0] - y, x2, H_CUR[0] - y)


def vline(c, x, y1, y2, width=0.5):
    c.setLineWidth(width)
    c.line(x, H_CUR[0] - y1, x, H_CUR[0] - y2)


H_CUR = [H]


def paragraph(c, x, y, lines, size=9, leading=12):
    for i, s in enumerate(lines):
        text(c, x, y + i * leading, s, size)
    return y + len(lines) * leading


def lines_pdf():
    c = canvas.Canvas(os.path.join(HERE, "lines.pdf"), pagesize=A4)
    H_CUR[0] = H
    text(c, 60, 80, "Sample information", 14, "Helvetica-Bold")
    text(c, 60, 110, "Moisture", 10)
    text(c, 103, 106, "*", 7)
    text(c, 200, 110, "6.1", 10)
    text(c, 260, 110, "g/100 g", 10)
    text(c, 60, 126, "Total protein (Kjeldahl)", 10)
    text(c, 200, 126, "84.9", 10)
    # A column label set sideways, reading bottom to top.
    c.saveState()
    c.translate(400, H - 200)
    c.rotate(90)
    c.setFont("Helvetica", 10)
    c.drawString(0, 0, "Sideways label")
    c.restoreState()
    c.showPage()
    # A landscape page: the page is turned by the viewer (/Rotate 90), its text reads upright.
    c.setPageSize(A4)
    c.setPageRotation(90)
    c.saveState()
    c.translate(W, 0)
    c.rotate(90)
    c.setFont("Helvetica", 12)
    c.drawString(60, W - 60, "Landscape results")
    c.drawString(60, W - 80, "Protein")
    c.drawString(300, W - 80, "12.5")
    c.restoreState()
    c.showPage()
    c.save()


def ruled_pdf():
    """A full grid with a shaded header, a spanning group header and a wrapped cell; a
    paragraph above; then a table with horizontal rules only."""
    c = canvas.Canvas(os.path.join(HERE, "ruled.pdf"), pagesize=A4)
    H_CUR[0] = H
    y = paragraph(c, 50, 60, [
        "The samples were received in good condition and analysed as listed below. Results",
        "relate only to the items tested and are given on the sample as received.",
    ])
    cols = [50, 230, 300, 370, 430, 545]
    top = 100
    # Shaded two-line header: the group header "Result" spans Value and Unit.
    c.setFillGray(0.85)
    c.rect(50, H - (top + 32), 495, 32, stroke=0, fill=1)
    c.setFillGray(0)
    rows = [top, top + 16, top + 32, top + 48, top + 74, top + 90, top + 106]
    for y in rows:
        hline(c, 50, 545, y)
    for x in [50, 230, 370, 430, 545]:
        vline(c, x, top, rows[-1])
    vline(c, 300, top + 16, rows[-1])  # Value | Unit: no line through the group header
    text(c, 54, top + 12, "Analyte", 9, "Helvetica-Bold")
    text(c, 234, top + 12, "Result", 9, "Helvetica-Bold")
    text(c, 374, top + 12, "LOQ", 9, "Helvetica-Bold")
    text(c, 434, top + 12, "Method", 9, "Helvetica-Bold")
    text(c, 234, top + 28, "Value", 9, "Helvetica-Bold")
    text(c, 304, top + 28, "Unit", 9, "Helvetica-Bold")
    body = [
        (["Moisture", "6.1", "g/100 g", "0.1", "SOP-CH-004"], None),
        (["Protein (N x 6.25),", "84.9", "g/100 g", "0.1", "ASU L 06.00-7"], "Kjeldahl method"),
        (["Fat", "7.0", "g/100 g", "0.1", "Soxhlet"], None),
        (["Sodium", "1129", "mg/kg", "1", "AOAC 984.27"], None),
    ]
    for (cells, wrap), (y0, y1) in zip(body, zip(rows[2:], rows[3:])):
        for x, s in zip(cols, cells):
            text(c, x + 4, y0 + 12, s)
        if wrap:
            text(c, 54, y0 + 23, wrap)
    y = paragraph(c, 50, rows[-1] + 24, ["Table 2: Minerals, horizontal rules only."])
    top = y + 4
    hline(c, 50, 400, top, 1.0)
    text(c, 50, top + 12, "Mineral", 9, "Helvetica-Bold")
    text(c, 180, top + 12, "2023", 9, "Helvetica-Bold")
    text(c, 260, top + 12, "2024", 9, "Helvetica-Bold")
    text(c, 340, top + 12, "Change", 9, "Helvetica-Bold")
    hline(c, 50, 400, top + 16, 0.5)
    minerals = [("Calcium", "235", "241", "+6"), ("Iron", "13.9", "12.1", "-1.8"),
                ("Zinc", "4.2", "4.4", "+0.2")]
    for i, row in enumerate(minerals):
        y = top + 28 + i * 14
        for x, s in zip([50, 180, 260, 340], row):
            text(c, x, y, s)
    hline(c, 50, 400, top + 16 + 14 * len(minerals) + 4, 1.0)
    paragraph(c, 50, top + 16 + 14 * len(minerals) + 24, [
        "Minerals by ICP-OES after microwave digestion; values in mg/100 g.",
    ])
    c.showPage()
    c.save()


def whitespace_pdf():
    """Unruled tables aligned by whitespace: a section row, a wrapped name, numbers set
    right-aligned, a paragraph between two tables, and a narrow text block beside the first."""
    c = canvas.Canvas(os.path.join(HERE, "whitespace.pdf"), pagesize=A4)
    H_CUR[0] = H
    y = paragraph(c, 50, 60, [
        "Pruefergebnisse der eingesandten Probe. Die Ergebnisse beziehen sich ausschliesslich",
        "auf den angelieferten Zustand der Probe und gelten nicht fuer andere Chargen.",
    ])
    top = 110
    header = ["Parameter", "Ergebnis", "Einheit", "BG", "Methode"]
    xs = [50, 230, 270, 340, 380]
    for x, s in zip(xs, header):
        text(c, x, top, s, 9, "Helvetica-Bold")
    body = [
        ["Wasser", "51,1", "g/100 g", "0,1", "SOP-CH-004"],
        ["Protein (N x 6,25)", "1,0", "g/100 g", "0,1", "AOAC 2001.11"],
        ["Fettsaeuren"],
        ["C12:0 (Laurinsaeure)", "50,3", "g/100 g FS", "0,1", "ISO 12966-2"],
        ["C18:3 n-3 (alpha-", "n.n.", "g/100 g FS", "0,1", "ISO 12966-2"],
        ["Linolensaeure)"],
        ["Natrium", "1.129", "mg/kg", "1", "DIN EN 15621"],
        ["Brennwert", "1.133", "kJ/100 g", "-", "berechnet"],
    ]
    for i, row in enumerate(body):
        y = top + 16 + i * 13
        for j, (x, s) in enumerate(zip(xs, row)):
            if j == 1:
                text(c, 256, y, s, align="right")
            elif len(row) == 1:
                text(c, x, y, s, 9, "Helvetica-Bold" if s == "Fettsaeuren" else "Helvetica")
            else:
                text(c, x, y, s)
    y = paragraph(c, 50, top + 16 + len(body) * 13 + 20, [
        "Die Bestimmung der Fettsaeuren erfolgte gaschromatographisch nach Umesterung der",
        "Lipide. Messunsicherheiten werden auf Anfrage mitgeteilt.",
    ])
    top = y + 20
    text(c, 50, top, "Probe", 9, "Helvetica-Bold")
    text(c, 160, top, "Eingang", 9, "Helvetica-Bold")
    text(c, 260, top, "Pruefbeginn", 9, "Helvetica-Bold")
    text(c, 360, top, "Pruefende", 9, "Helvetica-Bold")
    for i, row in enumerate([("24-118732-01", "15.04.2024", "16.04.2024", "18.04.2024"),
                             ("24-118732-02", "15.04.2024", "17.04.2024", "19.04.2024"),
                             ("24-118732-03", "16.04.2024", "17.04.2024", "22.04.2024")]):
        for x, s in zip([50, 160, 260, 360], row):
            text(c, x, top + 14 + i * 13, s)
    c.showPage()
    c.save()


def continued_pdf():
    """A table with horizontal rules that runs onto a second page, where its header row is
    printed again; page headers and footers on both pages."""
    c = canvas.Canvas(os.path.join(HERE, "continued.pdf"), pagesize=A4)
    H_CUR[0] = H
    xs = [50, 250, 330, 420]
    header = ["Determinand", "Result", "Units", "Method"]
    rows = [("Analyte %02d" % i, "%d.%d" % (i, i % 10), "g/100g", "ISO %d" % (1000 + i)) for i in range(1, 61)]
    per_page = [rows[:44], rows[44:]]
    for page, chunk in enumerate(per_page):
        text(c, 50, 40, "Example Laboratory Ltd", 9)
        text(c, 545, 40, "Report No: EX-24-001", 9, align="right")
        top = 100 if page == 0 else 70
        if page == 0:
            text(c, 50, 80, "Analytical results", 11, "Helvetica-Bold")
        hline(c, 50, 545, top - 11, 0.8)
        for x, s in zip(xs, header):
            text(c, x, top, s, 9, "Helvetica-Bold")
        hline(c, 50, 545, top + 4, 0.5)
        for i, row in enumerate(chunk):
            y = top + 16 + i * 14
            for x, s in zip(xs, row):
                text(c, x, y, s)
        hline(c, 50, 545, top + 16 + (len(chunk) - 1) * 14 + 5, 0.8)
        text(c, 297, 810, "Page %d of 2" % (page + 1), 8, align="left")
        c.showPage()
    c.save()


def sideways_pdf():
    """A wide table printed across a portrait page: all its text reads bottom to top."""
    c = canvas.Canvas(os.path.join(HERE, "sideways.pdf"), pagesize=A4)
    H_CUR[0] = H
    c.saveState()
    # Upright frame: x along the page's height (from the bottom), y from the left edge.
    c.translate(W, 0)
    c.rotate(90)
    c.setFont("Helvetica-Bold", 9)
    rows = [("Region", "2021", "2022", "2023", "Change %"),
            ("North", "1,204", "1,310", "1,422", "8.5"),
            ("South", "987", "1,002", "1,120", "11.8"),
            ("East", "1,530", "1,498", "1,611", "7.5"),
            ("West", "2,011", "2,150", "2,203", "2.5")]
    xs = [80, 300, 400, 500, 600]
    for i, row in enumerate(rows):
        y = W - (80 + i * 16)
        c.setFont("Helvetica-Bold" if i == 0 else "Helvetica", 9)
        for x, s in zip(xs, row):
            c.drawString(x, y, s)
    c.restoreState()
    c.showPage()
    c.save()


def beside_pdf():
    """A table set beside a paragraph of running text, on the same baselines."""
    c = canvas.Canvas(os.path.join(HERE, "beside.pdf"), pagesize=A4)
    H_CUR[0] = H
    prose = [
        "Samples were taken from three production",
        "lines during the spring campaign and sent",
        "to the laboratory in cooled boxes. All of",
        "them arrived within one day of sampling",
        "and were analysed in duplicate; the mean",
        "of both results is reported in the table",
        "beside this text, per line of production.",
        "Deviations from the methods are noted.",
    ]
    table = [("Line", "Fat", "Salt", "pH"),
             ("A1", "21.5", "1.88", "5.02"),
             ("A2", "22.0", "1.91", "5.06"),
             ("B1", "13.8", "0.45", "6.10"),
             ("B2", "14.1", "0.47", "6.08"),
             ("C1", "2.4", "0.12", "4.31")]
    for i, s in enumerate(prose):
        text(c, 50, 100 + i * 13, s)
    for i, row in enumerate(table):
        for x, s in zip([330, 390, 450, 510], row):
            text(c, x, 100 + i * 13, s, 9, "Helvetica-Bold" if i == 0 else "Helvetica")
    c.showPage()
    c.save()


lines_pdf()
beside_pdf()
sideways_pdf()
ruled_pdf()
whitespace_pdf()
continued_pdf()
