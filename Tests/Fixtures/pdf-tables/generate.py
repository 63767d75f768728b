#!/usr/bin/env python3
"""Generates the table-extraction fixtures: PDFs of the kinds found in public table benchmarks
(government statistical reports with ruled and unruled tables, multi-line cells, spanning
headers; the test PDFs of table extractors), each with its expected grid in NAME.json.

    python3 generate.py [OUTDIR]      (OUTDIR defaults to this script's folder)

Needs reportlab, pycairo, openpyxl and pdfplumber (pip), and LibreOffice Calc
(`soffice`, Debian's libreoffice-calc-nogui) for the spreadsheet-printed ones. Three generators, so
the PDFs are not all alike: reportlab (platypus tables and hand-placed canvas text), cairo
(hand-drawn rules, rules drawn as thin filled rectangles, shaded rows, rotation) and Calc
(a workbook printed to PDF, with merged cells, number formats and repeated print titles).

Expected grid (NAME.json):
    {"generator": "...", "kind": "...", "tables": [
       {"page": 1, "pages": [1, 2], "header_rows": 2, "rows": [["cell", ...], ...]}, ...]}
Tables are listed in reading order. A spanning cell's text is in its top-left grid position and
the positions it covers are "" (the convention of camelot's lattice output). A cell wrapped onto
several lines is one cell, its lines joined by one space. A table continued on later pages is one
table: its header rows appear once, the repeated header on the next page is not data. Footnote
markers stay in the cell as printed (`1,234*`). `pages` is found by locating every row's words in
the generated PDF, which also checks that each expected cell is really printed.
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile

import cairo
import openpyxl
import pdfplumber
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rlcanvas
from reportlab.platypus import (BaseDocTemplate, Frame, PageTemplate, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)

rl_config.invariant = 1  # reproducible reportlab output (no dates, fixed ids)

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------------------------
# Content: labels and numbers of the kinds statistical reports print.

REGIONS = ["Belgium", "Bulgaria", "Czechia", "Denmark", "Germany", "Estonia", "Ireland", "Greece",
           "Spain", "France", "Croatia", "Italy", "Cyprus", "Latvia", "Lithuania", "Luxembourg",
           "Hungary", "Malta", "Netherlands", "Austria", "Poland", "Portugal", "Romania",
           "Slovenia", "Slovakia", "Finland", "Sweden", "Iceland", "Norway", "Switzerland"]
STATES = ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
          "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa",
          "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan",
          "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
          "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio",
          "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota",
          "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia",
          "Wisconsin", "Wyoming"]
FOODS = ["Wheat flour, white", "Rye bread", "Oat flakes", "Rice, polished", "Potatoes, raw",
         "Carrots", "Cabbage, white", "Apples", "Bananas", "Oranges", "Whole milk", "Yoghurt, plain",
         "Cheddar cheese", "Butter", "Eggs, whole", "Beef, lean", "Pork loin", "Chicken breast",
         "Herring, smoked", "Cod fillet", "Lentils, dried", "Peanuts, roasted", "Sunflower oil",
         "Sugar, white", "Honey", "Dark chocolate", "Orange juice", "Tomatoes", "Onions", "Peas, frozen"]
INDUSTRIES = ["Agriculture, forestry and fishing", "Mining and quarrying", "Manufacturing",
              "Electricity and gas supply", "Water supply and waste management", "Construction",
              "Wholesale and retail trade", "Transportation and storage",
              "Accommodation and food services", "Information and communication",
              "Financial and insurance activities", "Real estate activities",
              "Professional, scientific and technical activities",
              "Administrative and support services", "Public administration and defence",
              "Education", "Human health and social work", "Arts, entertainment and recreation"]
LONG_NOTES = [
    "Estimates are based on the annual survey of establishments and are subject to revision.",
    "Figures may not add up to totals because of rounding.",
    "Data for the most recent year are provisional and marked (p).",
    "A dash means nil; two dots mean the figure is not available.",
]
PARA = ("The statistics in this section describe the development of the main aggregates over the "
        "reference period. Values are expressed in current prices unless stated otherwise, and "
        "the growth rates refer to the same period of the previous year. Revisions to earlier "
        "releases result from late survey returns and from the annual benchmarking of quarterly "
        "estimates against structural business statistics. ")


def thousands(n, sep=","):
    s = f"{abs(n):,}".replace(",", sep)
    return ("-" if n < 0 else "") + s


def dec(x, places=1, comma=False):
    s = f"{x:.{places}f}"
    return s.replace(".", ",") if comma else s


# ---------------------------------------------------------------------------------------------
# A table: HTML-like rows (a cell is text, or (text, colspan, rowspan)); the grid expands spans.

class Tab:
    def __init__(self, rows, header_rows, widths=None, align=None, page=1, caption=None, notes=None):
        self.src = rows
        self.header_rows = header_rows
        self.ncols = sum(c[1] if isinstance(c, tuple) else 1 for c in rows[0])
        self.grid, self.spans = self._expand()
        self.widths = widths
        self.align = align or (["L"] + ["R"] * (self.ncols - 1))
        self.page = page
        self.caption = caption
        self.notes = notes

    def _expand(self):
        grid = [[None] * self.ncols for _ in self.src]
        spans = []
        for r, row in enumerate(self.src):
            c = 0
            for cell in row:
                while c < self.ncols and grid[r][c] is not None:
                    c += 1
                text, cs, rs = (cell if isinstance(cell, tuple) else (cell, 1, 1))
                if c >= self.ncols:
                    raise ValueError(f"row {r} has too many cells: {row}")
                for dr in range(rs):
                    for dc in range(cs):
                        grid[r + dr][c + dc] = ""
                grid[r][c] = text
                if cs > 1 or rs > 1:
                    spans.append((c, r, c + cs - 1, r + rs - 1))
                c += cs
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                if v is None:
                    raise ValueError(f"row {r} column {c} is not filled")
        return grid, spans

    def span_at(self, r, c):
        for (c0, r0, c1, r1) in self.spans:
            if r0 == r and c0 == c:
                return (c1 - c0 + 1, r1 - r0 + 1)
        return None

    def covered(self, r, c):
        for (c0, r0, c1, r1) in self.spans:
            if r0 <= r <= r1 and c0 <= c <= c1 and (r, c) != (r0, c0):
                return True
        return False

    def truth(self, repeat_header_in_data=False):
        return {"page": self.page, "header_rows": self.header_rows, "rows": [list(r) for r in self.grid]}


# ---------------------------------------------------------------------------------------------
# reportlab platypus

def bold(font):
    return {"Times-Roman": "Times-Bold"}.get(font, font + "-Bold")


def styles(font="Helvetica", size=9):
    base = ParagraphStyle("b", fontName=font, fontSize=size, leading=size * 1.2)
    return {"L": ParagraphStyle("l", parent=base, alignment=TA_LEFT),
            "R": ParagraphStyle("r", parent=base, alignment=TA_RIGHT),
            "C": ParagraphStyle("c", parent=base, alignment=TA_CENTER),
            "H": ParagraphStyle("h", parent=base, fontName=bold(font), alignment=TA_CENTER),
            "body": ParagraphStyle("p", parent=base, fontSize=10, leading=13),
            "cap": ParagraphStyle("cap", parent=base, fontName=bold(font), fontSize=10, leading=13,
                                  spaceAfter=4),
            "note": ParagraphStyle("n", parent=base, fontSize=7.5, leading=9)}


def rl_table(t, rule="grid", font="Helvetica", size=9, wrap=False, zebra=False, repeat=False,
             header_fill=None, pad=3):
    st = styles(font, size)
    data = []
    for r, row in enumerate(t.grid):
        out = []
        for c, v in enumerate(row):
            if r < t.header_rows:
                out.append(Paragraph(v, st["H"]) if (wrap and v) else v)
            elif wrap and v:
                out.append(Paragraph(v, st[t.align[c]]))
            else:
                out.append(v)
        data.append(out)
    cmds = [("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEADING", (0, 0), (-1, -1), size * 1.2),
            ("FONTNAME", (0, 0), (-1, t.header_rows - 1), bold(font)),
            ("ALIGN", (0, 0), (-1, t.header_rows - 1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), pad), ("BOTTOMPADDING", (0, 0), (-1, -1), pad)]
    for c, a in enumerate(t.align):
        cmds.append(("ALIGN", (c, t.header_rows), (c, -1), {"L": "LEFT", "R": "RIGHT", "C": "CENTER"}[a]))
    for (c0, r0, c1, r1) in t.spans:
        cmds.append(("SPAN", (c0, r0), (c1, r1)))
    last = len(t.grid) - 1
    h = t.header_rows
    if rule == "grid":
        cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    elif rule == "booktabs":
        cmds += [("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                 ("LINEBELOW", (0, h - 1), (-1, h - 1), 0.6, colors.black),
                 ("LINEBELOW", (0, last), (-1, last), 1.2, colors.black)]
        for (c0, r0, c1, r1) in t.spans:  # cmidrule under each group header
            if r1 < h - 1 and c1 > c0:
                cmds.append(("LINEBELOW", (c0, r1), (c1, r1), 0.4, colors.black))
    elif rule == "box":
        cmds += [("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                 ("LINEBELOW", (0, h - 1), (-1, h - 1), 0.8, colors.black)]
    elif rule == "vlines":
        cmds += [("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.black),
                 ("LINEABOVE", (0, 0), (-1, 0), 0.8, colors.black),
                 ("LINEBELOW", (0, last), (-1, last), 0.8, colors.black)]
    elif rule == "header":
        cmds.append(("LINEBELOW", (0, h - 1), (-1, h - 1), 0.5, colors.black))
    if zebra:
        cmds.append(("ROWBACKGROUNDS", (0, h), (-1, -1), [colors.white, colors.Color(0.88, 0.91, 0.95)]))
    if header_fill:
        cmds += [("BACKGROUND", (0, 0), (-1, h - 1), header_fill),
                 ("TEXTCOLOR", (0, 0), (-1, h - 1), colors.white)]
    return Table(data, colWidths=t.widths, repeatRows=h if repeat else 0, style=TableStyle(cmds), hAlign="LEFT")


def rl_doc(name, story, pagesize=A4, margin=20 * mm):
    doc = SimpleDocTemplate(os.path.join(OUT, name + ".pdf"), pagesize=pagesize, leftMargin=margin,
                            rightMargin=margin, topMargin=margin, bottomMargin=margin,
                            title=name, author="pl fixtures")
    doc.build(story)


def caption_story(t, st, table):
    out = []
    if t.caption:
        out.append(Paragraph(t.caption, st["cap"]))
    out.append(table)
    if t.notes:
        out.append(Spacer(1, 3))
        for n in t.notes:
            out.append(Paragraph(n, st["note"]))
    return out


# ---------------------------------------------------------------------------------------------
# cairo: hand-drawn tables (text placed word by word, rules as strokes or thin rectangles)

class CairoDoc:
    def __init__(self, name, size=(595, 842)):
        self.path = os.path.join(OUT, name + ".pdf")
        self.surface = cairo.PDFSurface(self.path, *size)
        self.surface.set_metadata(cairo.PDF_METADATA_TITLE, name)
        self.surface.set_metadata(cairo.PDF_METADATA_CREATE_DATE, "2024-01-01T00:00:00Z")
        self.ctx = cairo.Context(self.surface)
        self.size = size

    def font(self, size, bold=False, family="DejaVu Sans"):
        self.ctx.select_font_face(family, cairo.FONT_SLANT_NORMAL,
                                  cairo.FONT_WEIGHT_BOLD if bold else cairo.FONT_WEIGHT_NORMAL)
        self.ctx.set_font_size(size)

    def text(self, x, y, s, align="L", width=0):
        w = self.ctx.text_extents(s).x_advance
        if align == "R":
            x = x + width - w
        elif align == "C":
            x = x + (width - w) / 2
        self.ctx.move_to(x, y)
        self.ctx.show_text(s)

    def wrap(self, s, width):
        words, lines, cur = s.split(), [], ""
        for w in words:
            cand = (cur + " " + w).strip()
            if cur and self.ctx.text_extents(cand).x_advance > width:
                lines.append(cur)
                cur = w
            else:
                cur = cand
        return lines + ([cur] if cur else [])

    def paragraph(self, x, y, width, s, size=10, leading=13):
        self.font(size)
        self.ctx.set_source_rgb(0, 0, 0)
        for line in self.wrap(s, width):
            self.text(x, y, line)
            y += leading
        return y

    def next_page(self):
        self.ctx.show_page()

    def close(self):
        self.surface.finish()


def cairo_table(d, t, x, y, widths, size=8.5, rule="grid", rect_rules=False, shade=False, pad=3,
                header_fill=None):
    """Draws t at (x, y) (top-left, y downwards); returns the bottom y."""
    ctx = d.ctx
    lead = size * 1.25
    # lines of each cell, and row heights
    lines = {}
    heights = []
    for r, row in enumerate(t.grid):
        d.font(size, bold=r < t.header_rows)
        hmax = 1
        for c, v in enumerate(row):
            if not v or t.covered(r, c):
                continue
            sp = t.span_at(r, c) or (1, 1)
            w = sum(widths[c:c + sp[0]]) - 2 * pad
            lines[(r, c)] = d.wrap(v, w)
            if sp[1] == 1:
                hmax = max(hmax, len(lines[(r, c)]))
        heights.append(hmax * lead + 2 * pad)
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y]
    for h in heights:
        ys.append(ys[-1] + h)
    h = t.header_rows
    if header_fill:
        ctx.set_source_rgb(*header_fill)
        ctx.rectangle(xs[0], ys[0], xs[-1] - xs[0], ys[h] - ys[0])
        ctx.fill()
    if shade:
        for r in range(h, len(t.grid)):
            if (r - h) % 2 == 1:
                ctx.set_source_rgb(0.9, 0.92, 0.95)
                ctx.rectangle(xs[0], ys[r], xs[-1] - xs[0], ys[r + 1] - ys[r])
                ctx.fill()
    ctx.set_source_rgb(0, 0, 0)

    def hline(x0, x1, yy, wdt=0.6):
        if rect_rules:
            ctx.rectangle(x0, yy - wdt / 2, x1 - x0, wdt)
            ctx.fill()
        else:
            ctx.set_line_width(wdt)
            ctx.move_to(x0, yy)
            ctx.line_to(x1, yy)
            ctx.stroke()

    def vline(xx, y0, y1, wdt=0.6):
        if rect_rules:
            ctx.rectangle(xx - wdt / 2, y0, wdt, y1 - y0)
            ctx.fill()
        else:
            ctx.set_line_width(wdt)
            ctx.move_to(xx, y0)
            ctx.line_to(xx, y1)
            ctx.stroke()

    if rule == "grid":
        # each cell's edges, skipping the inside of spans
        for r in range(len(t.grid)):
            for c in range(t.ncols):
                if t.covered(r, c):
                    continue
                sp = t.span_at(r, c) or (1, 1)
                x0, x1 = xs[c], xs[c + sp[0]]
                y0, y1 = ys[r], ys[r + sp[1]]
                hline(x0, x1, y0)
                hline(x0, x1, y1)
                vline(x0, y0, y1)
                vline(x1, y0, y1)
    elif rule == "booktabs":
        hline(xs[0], xs[-1], ys[0], 1.2)
        hline(xs[0], xs[-1], ys[h], 0.6)
        hline(xs[0], xs[-1], ys[-1], 1.2)
        for (c0, r0, c1, r1) in t.spans:
            if r1 < h - 1 and c1 > c0:
                hline(xs[c0] + 2, xs[c1 + 1] - 2, ys[r1 + 1], 0.4)
    elif rule == "header":
        hline(xs[0], xs[-1], ys[h], 0.5)
    for (r, c), ls in lines.items():
        d.font(size, bold=r < h)
        if header_fill and r < h:
            ctx.set_source_rgb(1, 1, 1)
        else:
            ctx.set_source_rgb(0, 0, 0)
        sp = t.span_at(r, c) or (1, 1)
        w = sum(widths[c:c + sp[0]]) - 2 * pad
        a = "C" if r < h else t.align[c]
        for i, line in enumerate(ls):
            d.text(xs[c] + pad, ys[r] + pad + size + i * lead, line, a, w)
    ctx.set_source_rgb(0, 0, 0)
    return ys[-1]


# ---------------------------------------------------------------------------------------------
# Calc: a workbook printed to PDF by LibreOffice

CALC_JOBS = []


def calc_sheet(name, t, title=None, notes=(), borders="grid", widths=None, number_formats=None,
               landscape_page=False, print_title_rows=False, fill_header=False, row_height=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    r0 = 1
    if title:
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=12)
        r0 = 3
    thin = Side(style="thin")
    for r, row in enumerate(t.grid):
        for c, v in enumerate(row):
            cell = ws.cell(row=r0 + r, column=c + 1)
            fmt = number_formats[c] if (number_formats and r >= t.header_rows) else None
            if v and fmt and fmt != "@":
                cell.value = fmt[1](v)
                cell.number_format = fmt[0]
            else:
                cell.value = v if v else None
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="center" if r < t.header_rows else
                                       {"L": "left", "R": "right", "C": "center"}[t.align[c]])
            if r < t.header_rows:
                cell.font = Font(bold=True)
                if fill_header:
                    cell.fill = PatternFill("solid", fgColor="D9D9D9")
            if borders == "grid":
                cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            elif borders == "header":
                if r == t.header_rows - 1:
                    cell.border = Border(bottom=thin)
                if r == 0:
                    cell.border = Border(top=thin, bottom=cell.border.bottom)
                if r == len(t.grid) - 1:
                    cell.border = Border(bottom=thin)
    for (c0, rr0, c1, rr1) in t.spans:
        ws.merge_cells(start_row=r0 + rr0, start_column=c0 + 1, end_row=r0 + rr1, end_column=c1 + 1)
    for c, w in enumerate(widths or []):
        ws.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].width = w
    if row_height:
        for r, row in enumerate(t.grid):
            ws.row_dimensions[r0 + r].height = row_height(r, row)
    nr = r0 + len(t.grid) + 1
    for n in notes:
        ws.cell(row=nr, column=1, value=n).font = Font(size=8)
        nr += 1
    if landscape_page:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if print_title_rows:
        ws.print_title_rows = f"{r0}:{r0 + t.header_rows - 1}"
    ws.print_options.gridLines = False
    path = os.path.join(TMP, name + ".xlsx")
    wb.save(path)
    CALC_JOBS.append(path)


def run_calc():
    if not CALC_JOBS:
        return
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", OUT] + CALC_JOBS,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------------------------------------
# Fixtures. Each returns (name, generator, kind, [Tab]) after writing NAME.pdf (Calc ones later).

FIXTURES = []


def fixture(f):
    FIXTURES.append(f)
    return f


def body_regions(R, n, cols, fmt):
    names = R.sample(REGIONS, n)
    return [[nm] + [fmt(R, c) for c in range(cols)] for nm in names]


@fixture
def rl_ruled_grid():
    R = random.Random(1)
    rows = [["Country", "2019", "2020", "2021", "2022", "2023"]]
    rows += body_regions(R, 14, 5, lambda R, c: thousands(R.randint(1200, 990000)))
    t = Tab(rows, 1, widths=[110] + [65] * 5, caption="Table 1. Population aged 65 and over, 1 January")
    st = styles()
    rl_doc("rl-ruled-grid", caption_story(t, st, rl_table(t, "grid")))
    return "reportlab", "ruled grid, thousands separators", [t]


@fixture
def rl_spanning_header():
    R = random.Random(2)
    rows = [[("Country", 1, 2), ("Employment rate (%)", 3, 1), ("Unemployment rate (%)", 3, 1)],
            ["Total", "Men", "Women", "Total", "Men", "Women"]]
    rows += body_regions(R, 12, 6, lambda R, c: dec(R.uniform(2, 80) if c < 3 else R.uniform(2, 18)))
    t = Tab(rows, 2, widths=[95] + [62] * 6, caption="Table 2. Labour market indicators, 2023")
    rl_doc("rl-spanning-header", caption_story(t, styles(), rl_table(t, "grid")))
    return "reportlab", "ruled, spanning group header and row-spanning stub header", [t]


@fixture
def rl_rowspan_stub():
    R = random.Random(3)
    rows = [["Group", "Food", "Energy (kcal)", "Protein (g)", "Fat (g)"]]
    groups = [("Cereals", FOODS[0:3]), ("Vegetables", FOODS[4:7]), ("Dairy", FOODS[10:14]),
              ("Meat and fish", FOODS[15:20])]
    for g, foods in groups:
        for i, f in enumerate(foods):
            row = ([(g, 1, len(foods))] if i == 0 else []) + [f, str(R.randint(20, 600)),
                                                                dec(R.uniform(0, 30)), dec(R.uniform(0, 40))]
            rows.append(row)
    t = Tab(rows, 1, widths=[85, 130, 75, 75, 65], align=["L", "L", "R", "R", "R"],
            caption="Table 3. Composition per 100 g edible portion")
    rl_doc("rl-rowspan-stub", caption_story(t, styles(), rl_table(t, "grid")))
    return "reportlab", "ruled, row-spanning stub cells", [t]


@fixture
def rl_booktabs():
    R = random.Random(4)
    rows = [["", ("Exports", 2, 1), ("Imports", 2, 1), ""],
            ["Product group", "2022", "2023", "2022", "2023", "Balance 2023"]]
    for f in R.sample(FOODS, 11):
        e2, i2 = R.randint(100, 90000), R.randint(100, 90000)
        rows.append([f, thousands(R.randint(100, 90000)), thousands(e2), thousands(R.randint(100, 90000)),
                     thousands(i2), thousands(e2 - i2)])
    t = Tab(rows, 2, widths=[120, 60, 60, 60, 60, 75], caption="Table 4. Trade in food products (EUR million)",
            notes=["Source: external trade statistics."])
    rl_doc("rl-booktabs", caption_story(t, styles("Times-Roman"), rl_table(t, "booktabs", font="Times-Roman", size=10)))
    return "reportlab", "horizontal rules only (booktabs), group header, negative numbers", [t]


@fixture
def rl_unruled():
    R = random.Random(5)
    rows = [["Industry", "Enterprises", "Persons employed", "Turnover", "Value added"]]
    for ind in R.sample(INDUSTRIES, 12):
        if len(ind) > 30:
            ind = ind.split(" and ")[0]
        rows.append([ind, thousands(R.randint(50, 99999)), thousands(R.randint(1000, 999999)),
                     thousands(R.randint(1000, 9999999)), thousands(R.randint(100, 999999))])
    t = Tab(rows, 1, widths=[170, 70, 80, 75, 75], caption="Structural business statistics, 2022")
    rl_doc("rl-unruled", caption_story(t, styles(), rl_table(t, "none")))
    return "reportlab", "unruled whitespace table", [t]


@fixture
def rl_multiline_ruled():
    R = random.Random(6)
    rows = [["Analyte", "Method", "Result", "Unit", "LOQ"]]
    analytes = ["Protein (N x 6.25)", "Total fat after acid hydrolysis", "Moisture and volatile matter",
                "Dietary fibre, total (AOAC 991.43)", "Sodium", "Saturated fatty acids expressed as triglycerides",
                "Sugars, total", "Ash"]
    methods = ["Kjeldahl, ISO 1871", "Weibull-Stoldt gravimetric method", "Oven drying at 103 degrees C",
               "Enzymatic gravimetric", "ICP-OES after microwave digestion", "Gas chromatography with flame ionisation detector",
               "HPLC with refractive index detection", "Incineration at 550 degrees C"]
    for a, m in zip(analytes, methods):
        rows.append([a, m, dec(R.uniform(0.1, 60), 2), "g/100 g", "0.1"])
    t = Tab(rows, 1, widths=[120, 150, 60, 55, 45], align=["L", "L", "R", "L", "R"],
            caption="Table 5. Results of analysis")
    rl_doc("rl-multiline-ruled", caption_story(t, styles(), rl_table(t, "grid", wrap=True)))
    return "reportlab", "ruled, multi-line cells", [t]


@fixture
def rl_multiline_unruled():
    R = random.Random(7)
    rows = [["Activity", "Share of enterprises (%)", "Average size (persons)", "Change on previous year (%)"]]
    for ind in R.sample(INDUSTRIES, 9):
        rows.append([ind, dec(R.uniform(0.5, 30)), dec(R.uniform(1, 250)), dec(R.uniform(-9, 9))])
    t = Tab(rows, 1, widths=[150, 90, 90, 95], caption="Table 6. Enterprises by economic activity",
            notes=LONG_NOTES[:2])
    rl_doc("rl-multiline-unruled", caption_story(t, styles(), rl_table(t, "header", wrap=True, pad=4)))
    return "reportlab", "header rule only, multi-line cells and headers, negative numbers", [t]


@fixture
def rl_shaded_rows():
    R = random.Random(8)
    rows = [["State", "Households", "Median income ($)", "Poverty rate (%)", "Margin of error"]]
    for s in R.sample(STATES, 16):
        rows.append([s, thousands(R.randint(200000, 9000000)), thousands(R.randint(40000, 99000)),
                     dec(R.uniform(6, 20)), "+/-" + dec(R.uniform(0.1, 1.5))])
    t = Tab(rows, 1, widths=[110, 85, 95, 85, 85], caption="Table 7. Income and poverty by state")
    rl_doc("rl-shaded-rows", caption_story(t, styles(), rl_table(t, "none", zebra=True,
                                                                  header_fill=colors.Color(0.15, 0.25, 0.45))),
           pagesize=letter)
    return "reportlab", "shaded alternate rows (filled rectangles, no rules), dark header", [t]


@fixture
def rl_two_tables_text():
    R = random.Random(9)
    st = styles()
    r1 = [["Region", "Q1", "Q2", "Q3", "Q4"]] + body_regions(R, 6, 4, lambda R, c: dec(R.uniform(-3, 5)))
    r2 = [["Indicator", "Unit", "2021", "2022", "2023"],
          ["Gross domestic product", "EUR bn", thousands(R.randint(2000, 4000)), thousands(R.randint(2000, 4000)), thousands(R.randint(2000, 4000))],
          ["Household consumption", "EUR bn", thousands(R.randint(1000, 2000)), thousands(R.randint(1000, 2000)), thousands(R.randint(1000, 2000))],
          ["Gross fixed capital formation", "EUR bn", thousands(R.randint(500, 900)), thousands(R.randint(500, 900)), thousands(R.randint(500, 900))],
          ["Exports of goods and services", "EUR bn", thousands(R.randint(1000, 1900)), thousands(R.randint(1000, 1900)), thousands(R.randint(1000, 1900))],
          ["Employment", "thousands", thousands(R.randint(40000, 46000)), thousands(R.randint(40000, 46000)), thousands(R.randint(40000, 46000))]]
    t1 = Tab(r1, 1, widths=[110, 60, 60, 60, 60], caption="Table 8. Growth of output by quarter (%)")
    t2 = Tab(r2, 1, widths=[160, 60, 60, 60, 60], align=["L", "L", "R", "R", "R"],
             caption="Table 9. Main aggregates", notes=["Source: national accounts."])
    story = [Paragraph("2. Economic developments", st["cap"]), Paragraph(PARA, st["body"]), Spacer(1, 8)]
    story += caption_story(t1, st, rl_table(t1, "booktabs"))
    story += [Spacer(1, 10), Paragraph(PARA * 2, st["body"]), Spacer(1, 8)]
    story += caption_story(t2, st, rl_table(t2, "box"))
    story += [Spacer(1, 10), Paragraph(PARA, st["body"])]
    rl_doc("rl-two-tables-text", story)
    return "reportlab", "two tables on a page between text paragraphs, captions and notes", [t1, t2]


@fixture
def rl_footnote_markers():
    R = random.Random(10)
    rows = [["Country", "2020", "2021", "2022", "2023"]]
    for nm in R.sample(REGIONS, 10):
        cells = [nm + (" (1)" if R.random() < 0.2 else "")]
        for c in range(4):
            v = thousands(R.randint(1000, 99999))
            k = R.random()
            if c == 3 and k < 0.4:
                v += " (p)"
            elif k < 0.12:
                v += "*"
            elif k < 0.18:
                v = ":"
            cells.append(v)
        rows.append(cells)
    t = Tab(rows, 1, widths=[130, 70, 70, 70, 80], caption="Table 10. Arrivals at tourist accommodation (thousands)",
            notes=["(1) Break in series.", "(p) Provisional.", "* Estimated.", ": Not available."])
    rl_doc("rl-footnote-markers", caption_story(t, styles(), rl_table(t, "header")))
    return "reportlab", "footnote markers in cells, not-available symbols, header rule only", [t]


@fixture
def rl_multipage_repeat():
    R = random.Random(11)
    rows = [["Code", "Food", "Energy (kJ)", "Water (g)", "Protein (g)", "Fat (g)", "Carbohydrate (g)"]]
    for i in range(95):
        f = FOODS[i % len(FOODS)] + ("" if i < len(FOODS) else f", variety {i // len(FOODS) + 1}")
        rows.append([f"F{1000 + i}", f, str(R.randint(50, 3600)), dec(R.uniform(1, 95)), dec(R.uniform(0, 35)),
                     dec(R.uniform(0, 60)), dec(R.uniform(0, 80))])
    t = Tab(rows, 1, widths=[45, 150, 60, 55, 60, 50, 75], align=["L", "L", "R", "R", "R", "R", "R"],
            caption="Table 11. Food composition table")
    rl_doc("rl-multipage-repeat", caption_story(t, styles(), rl_table(t, "grid", repeat=True)))
    return "reportlab", "table continued over pages with the header repeated", [t]


@fixture
def rl_landscape():
    R = random.Random(12)
    rows = [["Country"] + [str(y) for y in range(2012, 2024)]]
    rows += body_regions(R, 15, 12, lambda R, c: dec(R.uniform(50, 140)))
    t = Tab(rows, 1, widths=[100] + [52] * 12, caption="Table 12. Harmonised index of consumer prices (2015 = 100)")
    rl_doc("rl-landscape", caption_story(t, styles(), rl_table(t, "vlines")), pagesize=landscape(A4), margin=15 * mm)
    return "reportlab", "landscape page, wide table with vertical rules only", [t]


@fixture
def rl_two_column_layout():
    R = random.Random(13)
    st = styles("Times-Roman")
    rows = [["Sample", "n", "Mean", "SD"]]
    for i in range(8):
        rows.append([f"Batch {chr(65 + i)}", str(R.randint(5, 40)), dec(R.uniform(10, 90), 2), dec(R.uniform(0.1, 5), 2)])
    t = Tab(rows, 1, widths=[70, 30, 55, 50], caption="Table 1. Summary of measurements")
    path = os.path.join(OUT, "rl-two-column-layout.pdf")
    W, H = A4
    m = 18 * mm
    gap = 8 * mm
    cw = (W - 2 * m - gap) / 2
    doc = BaseDocTemplate(path, pagesize=A4, leftMargin=m, rightMargin=m, topMargin=m, bottomMargin=m,
                          title="rl-two-column-layout")
    frames = [Frame(m, m, cw, H - 2 * m, id="left"), Frame(m + cw + gap, m, cw, H - 2 * m, id="right")]
    doc.addPageTemplates([PageTemplate(id="two", frames=frames)])
    body = ParagraphStyle("j", parent=st["body"], fontName="Times-Roman", alignment=4)
    story = [Paragraph("1 Introduction", st["cap"]), Paragraph(PARA * 2, body), Spacer(1, 6)]
    story += caption_story(t, st, rl_table(t, "booktabs", font="Times-Roman", size=9))
    story += [Spacer(1, 6), Paragraph("2 Results", st["cap"])] + [Paragraph(PARA * 2, body) for _ in range(4)]
    doc.build(story)
    return "reportlab", "two-column page layout, table in one column beside text", [t]


@fixture
def rl_small_font():
    R = random.Random(14)
    rows = [["State", "Total", "Under 5", "5 to 17", "18 to 24", "25 to 44", "45 to 64", "65 and over", "Median age", "Sex ratio"]]
    for s in STATES[:45]:
        rows.append([s] + [thousands(R.randint(10000, 9999999))] + [thousands(R.randint(1000, 999999)) for _ in range(6)]
                    + [dec(R.uniform(30, 45)), dec(R.uniform(92, 104))])
    t = Tab(rows, 1, widths=[70] + [48] * 9, caption="Table 13. Resident population by age")
    rl_doc("rl-small-font", caption_story(t, styles(), rl_table(t, "header", size=6, pad=1.2)), margin=12 * mm)
    return "reportlab", "small font (6 pt), dense unruled table", [t]


@fixture
def rl_empty_cells():
    R = random.Random(15)
    rows = [["Country", "Cattle", "Pigs", "Sheep", "Goats", "Poultry"]]
    for nm in R.sample(REGIONS, 12):
        cells = [nm]
        for c in range(5):
            k = R.random()
            cells.append("" if k < 0.18 else ("-" if k < 0.25 else thousands(R.randint(1, 30000))))
        rows.append(cells)
    t = Tab(rows, 1, widths=[110, 70, 70, 70, 70, 70], caption="Table 14. Livestock (thousand heads)",
            notes=["Empty: no data reported. - : nil."])
    rl_doc("rl-empty-cells", caption_story(t, styles(), rl_table(t, "grid")))
    return "reportlab", "ruled grid with empty cells", [t]


@fixture
def rl_negative_parentheses():
    R = random.Random(16)
    rows = [["Line item", "2023", "2022", "Change", "Change %"]]
    items = ["Revenue", "Cost of sales", "Gross profit", "Distribution costs", "Administrative expenses",
             "Other operating income", "Operating result", "Finance income", "Finance costs",
             "Result before tax", "Income tax", "Net result"]
    for it in items:
        a, b = R.randint(-90000, 900000), R.randint(-90000, 900000)
        ch = a - b
        fmt = lambda v: f"({thousands(-v)})" if v < 0 else thousands(v)
        rows.append([it, fmt(a), fmt(b), fmt(ch), dec((ch / b * 100) if b else 0.0) + "%"])
    t = Tab(rows, 1, widths=[150, 80, 80, 80, 60], caption="Statement of income (EUR thousand)")
    rl_doc("rl-negative-parentheses", caption_story(t, styles(), rl_table(t, "header")))
    return "reportlab", "negative numbers in parentheses, percentages, right-aligned", [t]


@fixture
def rl_european_numbers():
    R = random.Random(17)
    rows = [["Land", "Fläche (km²)", "Einwohner", "Dichte", "Anteil (%)"]]
    for nm in R.sample(REGIONS, 12):
        rows.append([nm, thousands(R.randint(300, 550000), "."), thousands(R.randint(30000, 84000000), "."),
                     dec(R.uniform(3, 1500), 1, True), dec(R.uniform(0.1, 19), 2, True)])
    t = Tab(rows, 1, widths=[110, 80, 90, 60, 60], caption="Tabelle 2: Fläche und Bevölkerung")
    rl_doc("rl-european-numbers", caption_story(t, styles(), rl_table(t, "box")))
    return "reportlab", "decimal commas and dot thousands separators, box and header rule", [t]


@fixture
def rl_space_thousands():
    R = random.Random(18)
    rows = [["Région", "Naissances", "Décès", "Solde naturel", "Solde migratoire"]]
    for nm in R.sample(REGIONS, 10):
        b, d = R.randint(1000, 900000), R.randint(1000, 900000)
        rows.append([nm, thousands(b, " "), thousands(d, " "), thousands(b - d, " "), thousands(R.randint(-90000, 90000), " ")])
    t = Tab(rows, 1, widths=[110, 80, 80, 85, 90], caption="Tableau 3. Mouvement de la population")
    rl_doc("rl-space-thousands", caption_story(t, styles(), rl_table(t, "none")))
    return "reportlab", "space as thousands separator, unruled, negative numbers", [t]


@fixture
def rl_three_header_levels():
    R = random.Random(19)
    rows = [[("Age group", 1, 3), ("Persons", 4, 1), ("Households", 2, 1)],
            [("Men", 2, 1), ("Women", 2, 1), ("Private", 1, 2), ("Institutional", 1, 2)],
            ["Number", "%", "Number", "%"]]
    for a in ["0-14", "15-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75-84", "85 and over", "Total"]:
        rows.append([a, thousands(R.randint(1000, 900000)), dec(R.uniform(1, 20)), thousands(R.randint(1000, 900000)),
                     dec(R.uniform(1, 20)), thousands(R.randint(100, 500000)), thousands(R.randint(0, 90000))])
    t = Tab(rows, 3, widths=[80, 60, 40, 60, 40, 65, 75], caption="Table 15. Census population by age, sex and household type")
    rl_doc("rl-three-header-levels", caption_story(t, styles(), rl_table(t, "grid")))
    return "reportlab", "three header rows with nested spans, ruled", [t]


@fixture
def rl_side_by_side():
    R = random.Random(20)
    st = styles()
    ta = Tab([["Month", "Rainfall (mm)", "Days"]] + [[m, dec(R.uniform(5, 120)), str(R.randint(2, 20))] for m in
              ["January", "February", "March", "April", "May", "June", "July", "August"]], 1, widths=[60, 70, 35])
    tb = Tab([["Station", "Altitude (m)", "Mean (C)"]] + [[s, thousands(R.randint(2, 2500)), dec(R.uniform(-3, 15))] for s in
              ["Aberdeen", "Bern", "Cork", "Davos", "Erfurt", "Faro", "Graz", "Hamar"]], 1, widths=[60, 65, 55])
    outer = Table([[rl_table(ta, "booktabs"), rl_table(tb, "booktabs")]], colWidths=[200, 200],
                  style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]), hAlign="LEFT")
    story = [Paragraph("Climate summary", st["cap"]), Paragraph(PARA, st["body"]), Spacer(1, 8), outer,
             Spacer(1, 8), Paragraph(LONG_NOTES[0], st["note"])]
    rl_doc("rl-side-by-side", story)
    return "reportlab", "two tables side by side on one page", [ta, tb]


@fixture
def rl_canvas_statistical():
    """US-government style: hand-placed strings, indented stub, section rows, dot leaders."""
    R = random.Random(21)
    name = "rl-canvas-statistical"
    c = rlcanvas.Canvas(os.path.join(OUT, name + ".pdf"), pagesize=letter)
    c.setTitle(name)
    W, H = letter
    x0 = 60
    cols = [x0, 300, 370, 440, 510]
    c.setFont("Helvetica-Bold", 11)
    c.drawString(x0, H - 60, "Table 4. Consumer expenditure by category, 2021-2023")
    c.setFont("Helvetica", 8)
    c.drawString(x0, H - 74, "[In millions of dollars, except as indicated]")
    y = H - 100
    c.setLineWidth(0.8)
    c.line(x0, y + 10, 550, y + 10)
    c.setFont("Helvetica-Bold", 8.5)
    header = ["Category", "2021", "2022", "2023", "Percent change"]
    for i, h in enumerate(header):
        if i == 0:
            c.drawString(cols[0], y, h)
        else:
            c.drawRightString(cols[i] + 40, y, h)
    c.line(x0, y - 5, 550, y - 5)
    y -= 18
    rows = [header]
    sections = [("Food", ["Food at home", "Cereals and bakery products", "Meats, poultry, fish, and eggs",
                          "Dairy products", "Fruits and vegetables", "Food away from home"]),
                ("Housing", ["Shelter", "Utilities, fuels, and public services", "Household operations",
                             "Housekeeping supplies"]),
                ("Transportation", ["Vehicle purchases", "Gasoline and motor oil", "Public transportation"])]
    c.setFont("Helvetica", 8.5)
    for sec, items in sections:
        c.setFont("Helvetica-Bold", 8.5)
        vals = [thousands(R.randint(100000, 999999)) for _ in range(3)]
        pc = dec(R.uniform(-5, 12))
        c.drawString(cols[0], y, sec)
        for i, v in enumerate(vals + [pc]):
            c.drawRightString(cols[i + 1] + 40, y, v)
        rows.append([sec] + vals + [pc])
        y -= 13
        c.setFont("Helvetica", 8.5)
        for it in items:
            vals = [thousands(R.randint(1000, 99999)) for _ in range(3)]
            pc = dec(R.uniform(-5, 12))
            c.drawString(cols[0] + 10, y, it)
            for i, v in enumerate(vals + [pc]):
                c.drawRightString(cols[i + 1] + 40, y, v)
            rows.append([it] + vals + [pc])
            y -= 13
    c.line(x0, y + 8, 550, y + 8)
    c.setFont("Helvetica", 7)
    c.drawString(x0, y - 4, "Source: Consumer Expenditure Surveys.")
    c.drawString(x0, y - 14, LONG_NOTES[1])
    c.showPage()
    c.save()
    return "reportlab canvas", "hand-placed strings, indented stub, section rows", [Tab(rows, 1)]


@fixture
def rl_canvas_wrapped_stub():
    """Hand-placed strings: wrapped stub labels (second line indented), numbers on the first line."""
    R = random.Random(22)
    name = "rl-canvas-wrapped-stub"
    c = rlcanvas.Canvas(os.path.join(OUT, name + ".pdf"), pagesize=A4)
    c.setTitle(name)
    W, H = A4
    x0 = 55
    c.setFont("Times-Bold", 11)
    c.drawString(x0, H - 70, "Table 7. Persons in employment by activity (thousands)")
    y = H - 100
    c.setLineWidth(0.6)
    c.line(x0, y + 12, 540, y + 12)
    c.setFont("Times-Bold", 9)
    header = ["Activity", "2019", "2020", "2021", "2022", "2023"]
    c.drawString(x0, y, header[0])
    rx = [300, 360, 420, 480, 540]
    for i, h in enumerate(header[1:]):
        c.drawRightString(rx[i], y, h)
    c.line(x0, y - 5, 540, y - 5)
    y -= 18
    rows = [header]
    c.setFont("Times-Roman", 9)
    for ind in INDUSTRIES[:14]:
        vals = [thousands(R.randint(50, 9000)) for _ in range(5)]
        words = ind.split()
        line1, line2 = ind, ""
        if c.stringWidth(ind, "Times-Roman", 9) > 125:
            cut = len(words) // 2 + 1
            line1, line2 = " ".join(words[:cut]), " ".join(words[cut:])
        c.drawString(x0, y, line1)
        if line2:
            c.drawString(x0 + 8, y - 11, line2)
            for i, v in enumerate(vals):
                c.drawRightString(rx[i], y - 11, v)
            y -= 11
        else:
            for i, v in enumerate(vals):
                c.drawRightString(rx[i], y, v)
        rows.append([ind] + vals)
        y -= 14
    c.line(x0, y + 8, 540, y + 8)
    c.setFont("Times-Roman", 7.5)
    c.drawString(x0, y - 4, "Note: wrapped labels continue on an indented second line; figures are on the last line.")
    c.showPage()
    c.save()
    return "reportlab canvas", "unruled, wrapped stub labels with figures on the last line", [Tab(rows, 1)]


# ---- cairo

@fixture
def cairo_ruled():
    R = random.Random(31)
    d = CairoDoc("cairo-ruled")
    d.font(12, True)
    d.text(50, 60, "Table 1: Results of proficiency testing round 2023-2")
    rows = [["Lab code", "Analyte", "Assigned value", "Reported", "z-score", "Assessment"]]
    for i in range(18):
        z = R.uniform(-3.5, 3.5)
        rows.append([f"L{R.randint(100, 999)}", R.choice(["Protein", "Fat", "Moisture", "Ash", "Fibre"]),
                     dec(R.uniform(1, 50), 2), dec(R.uniform(1, 50), 2), dec(z, 2),
                     "satisfactory" if abs(z) <= 2 else ("questionable" if abs(z) < 3 else "unsatisfactory")])
    t = Tab(rows, 1, align=["L", "L", "R", "R", "R", "L"])
    cairo_table(d, t, 50, 80, [60, 75, 85, 70, 60, 95])
    d.close()
    return "cairo", "ruled grid drawn with strokes, DejaVu font", [t]


@fixture
def cairo_rect_rules_shaded():
    R = random.Random(32)
    d = CairoDoc("cairo-rect-rules-shaded")
    d.font(11, True)
    d.text(50, 60, "Annex table A3. Household budget shares (%)")
    rows = [[("Expenditure group", 1, 2), ("Income quintile", 5, 1)],
            ["1st", "2nd", "3rd", "4th", "5th"]]
    for g in ["Food and non-alcoholic beverages", "Alcohol and tobacco", "Clothing and footwear", "Housing and energy",
              "Furnishings", "Health", "Transport", "Communication", "Recreation and culture", "Education",
              "Restaurants and hotels", "Miscellaneous"]:
        rows.append([g] + [dec(R.uniform(0.5, 30)) for _ in range(5)])
    t = Tab(rows, 2)
    cairo_table(d, t, 50, 80, [170, 60, 60, 60, 60, 60], size=9, rule="grid", rect_rules=True, shade=True)
    d.close()
    return "cairo", "rules drawn as thin filled rectangles, shaded rows, spanning header", [t]


@fixture
def cairo_booktabs_multiline():
    R = random.Random(33)
    d = CairoDoc("cairo-booktabs-multiline")
    y = d.paragraph(60, 70, 475, PARA, 10, 13)
    d.font(10, True)
    d.text(60, y + 14, "Table 2. Methods and performance characteristics")
    rows = [["Parameter", "Method principle", "Range", "Repeatability (RSD %)", "Recovery (%)"]]
    params = ["Vitamin C", "Total dietary fibre", "Aflatoxin B1 and total aflatoxins", "Lead",
              "Acrylamide", "Pesticide residues (multi-residue)", "Histamine"]
    principles = ["HPLC-UV after metaphosphoric acid extraction", "Enzymatic-gravimetric (AOAC 2011.25)",
                  "Immunoaffinity clean-up and HPLC with fluorescence detection", "ICP-MS after pressure digestion",
                  "LC-MS/MS", "QuEChERS extraction, GC-MS/MS and LC-MS/MS", "HPLC with pre-column derivatisation"]
    for p, m in zip(params, principles):
        rows.append([p, m, f"{dec(R.uniform(0.01, 1), 2)}-{R.randint(50, 500)}", dec(R.uniform(1, 12)),
                     f"{R.randint(80, 99)}-{R.randint(100, 115)}"])
    t = Tab(rows, 1, align=["L", "L", "L", "R", "R"])
    y = cairo_table(d, t, 60, y + 24, [95, 160, 70, 80, 70], size=8.5, rule="booktabs")
    d.paragraph(60, y + 20, 475, PARA, 10, 13)
    d.close()
    return "cairo", "booktabs rules, multi-line cells and header, text above and below", [t]


@fixture
def cairo_unruled_multiline():
    R = random.Random(34)
    d = CairoDoc("cairo-unruled-multiline")
    d.font(11, True)
    d.text(50, 60, "Table 9. Recalls notified in 2023")
    rows = [["Date", "Product", "Hazard", "Distribution", "Action"]]
    hazards = ["Salmonella spp. detected in a sample taken at retail", "Undeclared milk", "Foreign body (glass fragments)",
               "Listeria monocytogenes above the legal limit", "Ethylene oxide residues", "Undeclared sulphites",
               "Mould growth before the best before date"]
    for i, h in enumerate(hazards):
        rows.append([f"2023-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}", R.choice(FOODS), h,
                     R.choice(["National", "Regional", "Export to three member states", "Online retail only"]),
                     R.choice(["Recall from consumers", "Withdrawal from market", "Import refused"])])
    t = Tab(rows, 1, align=["L"] * 5)
    cairo_table(d, t, 50, 80, [62, 105, 140, 95, 90], size=8.5, rule="none", pad=4)
    d.close()
    return "cairo", "fully unruled, multi-line text cells", [t]


@fixture
def cairo_landscape_page():
    R = random.Random(35)
    d = CairoDoc("cairo-landscape-page", size=(842, 595))
    d.font(12, True)
    d.text(40, 45, "Table 5. Monthly production (tonnes)")
    rows = [["Product"] + ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Total"]]
    for f in R.sample(FOODS, 14):
        v = [R.randint(100, 99999) for _ in range(12)]
        rows.append([f] + [thousands(x) for x in v] + [thousands(sum(v))])
    t = Tab(rows, 1)
    cairo_table(d, t, 40, 60, [110] + [50] * 12 + [62], size=8, rule="header")
    d.close()
    return "cairo", "landscape page size, wide table with header rule", [t]


@fixture
def cairo_rotated_table():
    R = random.Random(36)
    d = CairoDoc("cairo-rotated-table")
    rows = [["Country", "2018", "2019", "2020", "2021", "2022", "2023", "Change 2018-2023 (%)"]]
    rows += body_regions(R, 12, 7, lambda R, c: dec(R.uniform(-20, 40)) if c == 6 else thousands(R.randint(100, 99999)))
    t = Tab(rows, 1)
    ctx = d.ctx
    ctx.save()
    ctx.translate(60, 800)  # portrait page, table turned a quarter counter-clockwise
    ctx.rotate(-math.pi / 2)
    d.font(11, True)
    d.text(0, 0, "Table 6. Air passengers (thousands)")
    cairo_table(d, t, 0, 12, [100, 60, 60, 60, 60, 60, 60, 110], size=9, rule="booktabs")
    ctx.restore()
    d.close()
    return "cairo", "table rotated a quarter turn on a portrait page", [t]


@fixture
def cairo_two_column_paper():
    R = random.Random(37)
    d = CairoDoc("cairo-two-column-paper")
    d.font(14, True)
    d.text(50, 55, "Seasonal variation of nutrient content in retail samples")
    colw = 235
    y = d.paragraph(50, 85, colw, PARA * 2, 9, 11.5)
    d.font(8.5, True)
    d.text(50, y + 8, "Table 1. Nutrient content by season")
    rows = [["Nutrient", "Winter", "Spring", "Summer", "Autumn"]]
    for n in ["Vitamin C (mg)", "Folate (ug)", "Nitrate (mg)", "Dry matter (g)", "Sugars (g)", "Fibre (g)"]:
        rows.append([n] + [dec(R.uniform(0.5, 90)) for _ in range(4)])
    t = Tab(rows, 1)
    y = cairo_table(d, t, 50, y + 14, [75, 40, 40, 40, 40], size=7.5, rule="booktabs")
    d.paragraph(50, y + 16, colw, PARA, 9, 11.5)
    d.paragraph(310, 85, colw, PARA * 5, 9, 11.5)
    d.close()
    return "cairo", "two-column paper, small table inside the left column", [t]


@fixture
def cairo_two_tables_one_page():
    R = random.Random(38)
    d = CairoDoc("cairo-two-tables-one-page")
    d.font(11, True)
    d.text(50, 60, "Table 3a. Samples received")
    r1 = [["Laboratory", "Samples", "Rejected", "Share rejected"]]
    for i in range(6):
        s, rj = R.randint(100, 9000), R.randint(0, 90)
        r1.append([f"Laboratory {chr(65 + i)}", thousands(s), str(rj), dec(100 * rj / s, 2) + "%"])
    t1 = Tab(r1, 1)
    y = cairo_table(d, t1, 50, 72, [120, 70, 70, 90], size=9, rule="grid")
    d.paragraph(50, y + 22, 480, PARA, 9.5, 12)
    d.font(11, True)
    d.text(50, y + 95, "Table 3b. Turnaround time (days)")
    r2 = [[("Laboratory", 1, 2), ("Routine", 2, 1), ("Urgent", 2, 1)], ["Median", "P90", "Median", "P90"]]
    for i in range(6):
        r2.append([f"Laboratory {chr(65 + i)}", str(R.randint(2, 9)), str(R.randint(9, 20)), str(R.randint(1, 2)), str(R.randint(2, 5))])
    t2 = Tab(r2, 2)
    cairo_table(d, t2, 50, y + 107, [120, 60, 60, 60, 60], size=9, rule="grid", shade=True,
                header_fill=(0.2, 0.3, 0.5))
    d.close()
    return "cairo", "two ruled tables on a page, text between, dark header fill", [t1, t2]


@fixture
def cairo_multipage():
    R = random.Random(39)
    d = CairoDoc("cairo-multipage")
    header = ["Sample", "Matrix", "Analyte", "Result", "Unit", "Method"]
    body = []
    for i in range(70):
        body.append([f"S-{24000 + i}", R.choice(["Milk powder", "Infant cereal", "Wheat flour", "Cocoa"]),
                     R.choice(["Protein", "Fat", "Moisture", "Ash", "Lactose"]), dec(R.uniform(0.1, 70), 2), "g/100 g",
                     R.choice(["ISO 8968-1", "ISO 1736", "ISO 5537", "AOAC 930.30"])])
    widths = [70, 90, 70, 60, 55, 90]
    per_page = 40
    for p in range(0, len(body), per_page):
        top = 60
        if p == 0:
            d.font(11, True)
            d.text(50, 55, "Appendix B. Individual results")
            top = 70
        else:
            d.font(8)
            d.text(50, 45, "Appendix B (continued)")
        chunk = Tab([header] + body[p:p + per_page], 1, align=["L", "L", "L", "R", "L", "L"])
        cairo_table(d, chunk, 50, top, widths, size=8.5, rule="header")
        d.font(8)
        d.text(280, 810, f"Page {p // per_page + 1}")
        d.next_page()
    d.close()
    return "cairo", "unruled table continued on the next page with a repeated header and a page footer", \
        [Tab([header] + body, 1, align=["L", "L", "L", "R", "L", "L"])]


# ---- Calc (LibreOffice)

@fixture
def calc_ruled_merged():
    R = random.Random(41)
    rows = [[("Region", 1, 2), ("Area (km2)", 2, 1), ("Population", 2, 1)], ["Land", "Water", "2010", "2020"]]
    for nm in R.sample(REGIONS, 12):
        rows.append([nm, thousands(R.randint(300, 500000)), thousands(R.randint(1, 9000)),
                     thousands(R.randint(30000, 9000000)), thousands(R.randint(30000, 9000000))])
    t = Tab(rows, 2)
    num = ("#,##0", lambda s: int(s.replace(",", "")))
    calc_sheet("calc-ruled-merged", t, title="Table 1. Area and population", widths=[18, 12, 12, 14, 14],
               number_formats=[None, num, num, num, num], notes=["Source: statistical office."])
    return "calc", "spreadsheet print: merged header cells, borders, number formats", [t]


@fixture
def calc_unruled():
    R = random.Random(42)
    rows = [["Commodity", "Production", "Imports", "Exports", "Self-sufficiency (%)"]]
    for f in R.sample(FOODS, 15):
        p = R.randint(100, 90000)
        rows.append([f, thousands(p), thousands(R.randint(100, 90000)), thousands(R.randint(100, 90000)), dec(R.uniform(10, 200))])
    t = Tab(rows, 1)
    num = ("#,##0", lambda s: int(s.replace(",", "")))
    pct = ("0.0", float)
    calc_sheet("calc-unruled", t, title="Supply balance sheets (thousand tonnes)", borders="none",
               widths=[22, 12, 12, 12, 18], number_formats=[None, num, num, num, pct],
               notes=LONG_NOTES[1:3])
    return "calc", "spreadsheet print without borders", [t]


@fixture
def calc_wrapped_cells():
    R = random.Random(43)
    rows = [["Indicator", "Definition", "Value", "Reference year"]]
    defs = [("Obesity rate", "Share of adults with a body mass index of 30 or more"),
            ("Fruit intake", "Share of people eating fruit at least once a day"),
            ("Physical activity", "Share of adults doing at least 150 minutes of aerobic activity a week"),
            ("Smoking", "Share of daily smokers among persons aged 15 and over"),
            ("Alcohol", "Litres of pure alcohol per capita per year"),
            ("Life expectancy", "Expected years of life at birth")]
    for a, b in defs:
        rows.append([a, b, dec(R.uniform(5, 80)), str(R.randint(2019, 2023))])
    t = Tab(rows, 1, align=["L", "L", "R", "R"])
    calc_sheet("calc-wrapped-cells", t, title="Health determinants", widths=[16, 34, 9, 10],
               row_height=lambda r, row: 30 if r > 0 and len(row[1]) > 40 else (24 if r == 0 else 15))
    return "calc", "spreadsheet print: wrapped text cells, borders", [t]


@fixture
def calc_negatives_empty():
    R = random.Random(44)
    rows = [["Item", "Budget", "Actual", "Variance", "Variance %"]]
    items = ["Staff costs", "Reagents", "Consumables", "Equipment maintenance", "Calibration services",
             "Proficiency testing", "Travel", "Training", "IT services", "Overheads", "Contingency"]
    for it in items:
        b = R.randint(1000, 500000)
        a = R.randint(1000, 500000) if R.random() > 0.15 else None
        rows.append([it, thousands(b), thousands(a) if a else "", thousands(b - a) if a else "",
                     dec((b - a) / b * 100) if a else ""])
    t = Tab(rows, 1)
    num = ("#,##0;-#,##0", lambda s: int(s.replace(",", "")))
    pct = ("0.0", float)
    calc_sheet("calc-negatives-empty", t, title="Budget execution 2023 (EUR)", borders="header",
               widths=[24, 12, 12, 12, 12], number_formats=[None, num, num, num, pct], fill_header=True)
    return "calc", "spreadsheet print: negative numbers, empty cells, header rules and fill", [t]


@fixture
def calc_multipage_titles():
    R = random.Random(45)
    rows = [["No.", "Municipality", "Inhabitants", "Households", "Area (km2)"]]
    for i in range(110):
        rows.append([str(i + 1), f"{R.choice(['North', 'South', 'East', 'West', 'Upper', 'Lower'])} {R.choice(['Brook', 'Hill', 'Ford', 'Field', 'Wood', 'Marsh', 'Dale'])} {i + 1}",
                     thousands(R.randint(500, 99999)), thousands(R.randint(200, 49999)), dec(R.uniform(3, 400))])
    t = Tab(rows, 1, align=["R", "L", "R", "R", "R"])
    num = ("#,##0", lambda s: int(s.replace(",", "")))
    calc_sheet("calc-multipage-titles", t, title="Municipalities", widths=[6, 24, 13, 13, 11],
               number_formats=[("0", int), None, num, num, ("0.0", float)], print_title_rows=True)
    return "calc", "spreadsheet printed over pages with repeated title rows, ruled", [t]


@fixture
def calc_landscape():
    R = random.Random(46)
    rows = [["Country", ("Cereals", 3, 1), ("Oilseeds", 3, 1), ("Pulses", 3, 1)],
            ["", "Area", "Yield", "Output", "Area", "Yield", "Output", "Area", "Yield", "Output"]]
    for nm in R.sample(REGIONS, 16):
        r = [nm]
        for _ in range(3):
            r += [thousands(R.randint(1, 9000)), dec(R.uniform(0.8, 9)), thousands(R.randint(1, 60000))]
        rows.append(r)
    t = Tab(rows, 2)
    num = ("#,##0", lambda s: int(s.replace(",", "")))
    yl = ("0.0", float)
    calc_sheet("calc-landscape", t, title="Crop statistics 2023 (1000 ha, t/ha, 1000 t)", landscape_page=True,
               widths=[16] + [10] * 9, number_formats=[None] + [num, yl, num] * 3)
    return "calc", "landscape spreadsheet print with group headers", [t]


# ---------------------------------------------------------------------------------------------
# Pages of each table, found by locating every row's words in the PDF (and so checking them).

def page_words(path):
    with pdfplumber.open(path) as pdf:
        out = []
        for p in pdf.pages:
            words = p.extract_words(keep_blank_chars=False, use_text_flow=False, x_tolerance=1.5)
            # text turned a quarter counter-clockwise reads bottom to top
            words += p.extract_words(x_tolerance=1.5, line_dir_rotated="ltr", char_dir_rotated="btt")
            out.append(set(w["text"] for w in words))
        return out


def locate(path, name, tables, rotated=False):
    pages = page_words(path)
    cur = 0
    result = []
    for t in tables:
        rows = t.grid
        start = None
        seen = []
        for r, row in enumerate(rows):
            if r < t.header_rows:
                continue
            for p in range(cur, len(pages)):
                text = pages[p]
                if all(tok in text for v in row for tok in v.split()):
                    cur = p
                    break
            else:
                raise SystemExit(f"{name}: row {r} of a table not found in the PDF: {row}")
            if start is None:
                start = cur
            if cur not in seen:
                seen.append(cur)
        for r in range(t.header_rows):
            for v in rows[r]:
                if any(tok not in pages[start] for tok in v.split()):
                    raise SystemExit(f"{name}: header cell {v!r} not found on page {start + 1}")
        result.append({"page": start + 1, "pages": [p + 1 for p in seen], "header_rows": t.header_rows,
                       "rows": rows})
    return result


def main():
    global TMP
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as TMP:
        made = []
        for f in FIXTURES:
            name = f.__name__.replace("_", "-")
            gen, kind, tables = f()
            made.append((name, gen, kind, tables))
        run_calc()
    for name, gen, kind, tables in made:
        path = os.path.join(OUT, name + ".pdf")
        truth = {"generator": gen, "kind": kind, "tables": locate(path, name, tables)}
        with open(os.path.join(OUT, name + ".json"), "w") as fh:
            json.dump(truth, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        print(f"{name}: {len(tables)} table(s), pages {[t['pages'] for t in truth['tables']]}")


if __name__ == "__main__":
    main()
