#!/usr/bin/env python3
"""Writes the spreadsheet fixtures of the tests: the same small sensory panel from each writer
at hand, and hand-made workbooks for what the writers never do.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install openpyxl xlsxwriter
    /tmp/venv/bin/python Tests/Fixtures/spreadsheets/generate.py

openpyxl.xlsx      openpyxl: inline strings, absolute relationship targets, workbook.xml
                   after the sheets, formulas without cached values
xlsxwriter.xlsx    XlsxWriter: shared strings, cached formula values, an error cell
xlsxwriter-1904.xlsx  the 1904 date system
libreoffice.xlsx, libreoffice.ods   the XlsxWriter workbook saved by LibreOffice (when
                   `soffice` is installed; the committed files are kept otherwise)
handmade.xlsx      parts in an odd order, `x:` prefixes, cells without addresses, rich and
                   phonetic text, `_x000D_` escapes, 17-digit numbers, `t="d"`, custom formats
handmade.ods       repeated rows and columns, spans, covered cells, annotations, a hidden
                   table, a formula without a value, an error, `text:s`
huge-claim.xlsx    a dimension of A1:XFD1048576 and a cell at XFD1048576
repeat-bomb.ods    one row of 16,384 filled cells repeated 1,048,576 times
bad-shared-string.xlsx  a cell pointing past the shared strings

Fixed timestamps keep the bytes the same from run to run.
"""
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED = (2024, 4, 2, 0, 0, 0)


def out(name):
    return os.path.join(HERE, name)


def rezip(path):
    """Rewrites a zip with fixed member times, keeping the member order."""
    with zipfile.ZipFile(path) as z:
        members = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    write_zip(path, members, stored_first="mimetype")


def write_zip(path, members, stored_first=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED)
            info.compress_type = zipfile.ZIP_STORED if name == stored_first else zipfile.ZIP_DEFLATED
            z.writestr(info, data)


PANEL = [
    # Panelist, Sample, Score, Weight, Tested, Clock, Passed, Comment
    ("P01", "007", 7, 12.3, dt.date(2024, 4, 2), dt.time(9, 15), True, "ok"),
    ("P02", "042", 8, 45.0, dt.datetime(2024, 4, 2, 9, 15), dt.time(13, 5, 30), False, ""),
    ("P03", "118", 6, 0.1, dt.date(2024, 4, 3), dt.time(0, 0, 1), True, "merged sample, 1 of 2"),
    ("P04", None, 5, -2.5, dt.date(2024, 4, 3), dt.time(23, 59, 59), False, "merged sample, 2 of 2"),
]
HEADER = ["Panelist", "Sample", "Score", "Weight", "Tested", "Clock", "Passed", "Comment", "Double", "Ratio"]


def openpyxl_book():
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Panel"
    ws.append(["Study", "PD-2024-031 Oat drink"])
    ws.append(["Scale", "1-9"])
    ws.append([])
    ws.append(HEADER)
    for i, (p, s, score, w, tested, clock, passed, comment) in enumerate(PANEL):
        r = 5 + i
        ws.append([p, s, score, w, tested, clock, passed, comment, f"=C{r}*2", f"=C{r}/0"])
        ws.cell(r, 5).number_format = "yyyy-mm-dd" if isinstance(tested, dt.date) and not isinstance(tested, dt.datetime) else "yyyy-mm-dd hh:mm"
        ws.cell(r, 6).number_format = "hh:mm:ss"
    ws.merge_cells("B7:B8")
    hidden = wb.create_sheet("Calc")
    hidden.append(["secret", "1"])
    hidden.sheet_state = "hidden"
    key = wb.create_sheet("Key")
    key.append(["Code", "Product"])
    key.append(["007", "Oat drink, 1.5% fat"])
    key.append([118, "Oat drink, barista"])
    wb.save(out("openpyxl.xlsx"))
    rezip(out("openpyxl.xlsx"))


def xlsxwriter_book(name, date1904):
    import xlsxwriter
    wb = xlsxwriter.Workbook(out(name), {"date_1904": date1904})
    wb.set_properties({"created": dt.datetime(2024, 4, 2)})
    date = wb.add_format({"num_format": "dd.mm.yyyy"})
    stamp = wb.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    clock = wb.add_format({"num_format": "hh:mm:ss"})
    elapsed = wb.add_format({"num_format": "[h]:mm:ss"})
    percent = wb.add_format({"num_format": "0.0%"})
    ws = wb.add_worksheet("Panel")
    ws.write_row(0, 0, ["Study", "PD-2024-031 Oat drink"])
    ws.write_row(1, 0, ["Scale", "1-9"])
    ws.write_row(3, 0, HEADER[:8] + ["Double", "Ratio", "Share", "Run time"])
    for i, (p, s, score, w, tested, clock_value, passed, comment) in enumerate(PANEL):
        r = 4 + i
        ws.write_string(r, 0, p)
        if s is not None:
            ws.write_string(r, 1, s)
        ws.write_number(r, 2, score)
        ws.write_number(r, 3, w)
        if isinstance(tested, dt.datetime):
            ws.write_datetime(r, 4, tested, stamp)
        else:
            ws.write_datetime(r, 4, dt.datetime.combine(tested, dt.time()), date)
        ws.write_datetime(r, 5, clock_value, clock)
        ws.write_boolean(r, 6, passed)
        if comment:
            ws.write_string(r, 7, comment)
        ws.write_formula(r, 8, f"=C{r + 1}*2", None, score * 2)
        ws.write_formula(r, 9, f"=C{r + 1}/0", None, "#DIV/0!")
        ws.write_number(r, 10, 0.125 * (i + 1), percent)
        ws.write_number(r, 11, 1.25 + i, elapsed)
    ws.merge_range("B7:B8", "118")
    hidden = wb.add_worksheet("Calc")
    hidden.write_row(0, 0, ["secret", 1])
    hidden.hide()
    key = wb.add_worksheet("Key")
    key.write_row(0, 0, ["Code", "Product"])
    key.write_row(1, 0, ["007", "Oat drink, 1.5% fat"])
    key.write_row(2, 0, [118, "Oat drink, barista"])
    wb.close()
    rezip(out(name))


def libreoffice_copies():
    soffice = shutil.which("soffice")
    if not soffice:
        print("soffice not found: libreoffice.xlsx and libreoffice.ods kept as they are", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "libreoffice.xlsx")
        shutil.copy(out("xlsxwriter.xlsx"), src)
        for target, filt in [("ods", "ods"), ("xlsx", "xlsx:Calc MS Excel 2007 XML")]:
            outdir = os.path.join(tmp, target)
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp}/profile", "--convert-to", filt,
                            "--outdir", outdir, src], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            made = os.path.join(outdir, "libreoffice." + target)
            shutil.copy(made, out("libreoffice." + target))
            rezip(out("libreoffice." + target))


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def handmade_xlsx():
    sheet = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="{MAIN}" xmlns:r="{REL}"><x:dimension ref="A1:F6"/><x:sheetData>
<x:row r="1"><x:c t="inlineStr"><x:is><x:t>Name</x:t></x:is></x:c><x:c t="s"><x:v>0</x:v></x:c><x:c t="inlineStr"><x:is><x:t>Stamp</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Run</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Day</x:t></x:is></x:c><x:c t="inlineStr"><x:is><x:t>Flag</x:t></x:is></x:c></x:row>
<x:row><x:c t="s"><x:v>1</x:v></x:c><x:c><x:v>12.300000000000001</x:v></x:c><x:c s="1"><x:v>45383.385416666664</x:v></x:c><x:c s="2"><x:v>1.5</x:v></x:c><x:c t="d"><x:v>2024-04-02</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c></x:row>
<x:row r="4"><x:c r="A4" t="inlineStr"><x:is><x:r><x:t xml:space="preserve">rich </x:t></x:r><x:r><x:t>text</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ignored</x:t></x:rPh></x:is></x:c><x:c r="B4"><x:v>45.0</x:v></x:c><x:c r="C4" s="1"><x:v>0</x:v></x:c><x:c r="D4" s="3"><x:v>45383</x:v></x:c><x:c r="E4" t="e"><x:v>#N/A</x:v></x:c><x:c r="F4"><x:f>SUM(B2:B4)</x:f></x:c></x:row>
<x:row r="5"><x:c r="A5" t="s"><x:v>2</x:v></x:c><x:c r="B5"><x:v>1E-3</x:v></x:c><x:c r="C5" s="1"><x:v>60</x:v></x:c><x:c r="D5" s="3"><x:v>61</x:v></x:c></x:row>
<x:row r="6"><x:c r="A6" t="str"><x:v>formula text</x:v><x:f>"formula "&amp;"text"</x:f></x:c><x:c r="B6"><x:v>-0.5</x:v></x:c><x:c r="H6"><x:v>3</x:v></x:c></x:row>
</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="D5:E6"/></x:mergeCells><x:pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></x:worksheet>"""
    strings = f"""<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="{MAIN}" count="3" uniqueCount="3"><si><t>Value</t></si><si><t xml:space="preserve"> line one_x000D__x000A_line two </t></si><si><r><t>007</t></r></si></sst>"""
    styles = f"""<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="{MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="dd.mm.yyyy\\ hh:mm"/><numFmt numFmtId="165" formatCode="&quot;day &quot;0"/></numFmts>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="46" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>"""
    workbook = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/><sheets><sheet name="Odd order" sheetId="7" r:id="rIdSheet"/></sheets></workbook>"""
    wb_rels = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}"><Relationship Id="rIdSheet" Type="{REL}/worksheet" Target="sheets/../worksheets/data.xml"/><Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="/xl/strings.xml"/><Relationship Id="rIdY" Type="{REL}/styles" Target="looks.xml"/></Relationships>"""
    root_rels = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/book.xml"/></Relationships>"""
    types = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"""
    write_zip(out("handmade.xlsx"), [
        ("xl/worksheets/data.xml", sheet), ("xl/strings.xml", strings), ("xl/looks.xml", styles),
        ("xl/book.xml", workbook), ("xl/_rels/book.xml.rels", wb_rels), ("_rels/.rels", root_rels),
        ("[Content_Types].xml", types)])


def bad_shared_string():
    sheet = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>9</v></c></row></sheetData></worksheet>"""
    write_zip(out("bad-shared-string.xlsx"), simple_parts(sheet, ["Value"]))


def simple_parts(sheet, strings):
    sst = f'<sst xmlns="{MAIN}">' + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>"
    return [
        ("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
        ("_rels/.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        ("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
    ]


def huge_claim():
    sheet = f"""<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1.5</v></c></row>
<row r="1048576"><c r="XFD1048576"><v>42</v></c></row></sheetData></worksheet>"""
    write_zip(out("huge-claim.xlsx"), simple_parts(sheet, ["Sample", "Value", "S1"]))


ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
          'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')


def ods(path, body, styles=""):
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODS_NS} office:version="1.3">'
               f'<office:automatic-styles>{styles}</office:automatic-styles>'
               f'<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    write_zip(path, [("mimetype", "application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", content),
                     ("META-INF/manifest.xml", manifest)], stored_first="mimetype")


def handmade_ods():
    styles = ('<style:style style:name="ta1" style:family="table"><style:table-properties table:display="true"/></style:style>'
              '<style:style style:name="ta2" style:family="table"><style:table-properties table:display="false"/></style:style>')
    s = lambda t: f'<table:table-cell office:value-type="string" calcext:value-type="string"><text:p>{t}</text:p></table:table-cell>'
    f = lambda v: f'<table:table-cell office:value-type="float" office:value="{v}" calcext:value-type="float"><text:p>{v}</text:p></table:table-cell>'
    body = (
        '<table:table table:name="Results" table:style-name="ta1">'
        '<table:table-column table:number-columns-repeated="6"/>'
        '<table:table-row>' + s("Instrument: NIR-7") + '<table:table-cell table:number-columns-repeated="5"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="6"/></table:table-row>'
        '<table:table-header-rows><table:table-row>' + s("Sample") + s("Value") + s("Day") + s("Clock") + s("OK") + s("Note") + '</table:table-row></table:table-header-rows>'
        '<table:table-row>'
        '<table:table-cell office:value-type="string" calcext:value-type="string" table:number-rows-spanned="2"><text:p>007</text:p></table:table-cell>'
        + f("12.3") +
        '<table:table-cell office:value-type="date" office:date-value="2024-04-02" calcext:value-type="date"><text:p>02.04.24</text:p></table:table-cell>'
        '<table:table-cell office:value-type="time" office:time-value="PT09H15M00S" calcext:value-type="time"><text:p>09:15</text:p></table:table-cell>'
        '<table:table-cell office:value-type="boolean" office:boolean-value="true" calcext:value-type="boolean"><text:p>TRUE</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string" calcext:value-type="string"><office:annotation><text:p>a comment</text:p></office:annotation><text:p>two<text:s text:c="2"/>spaces</text:p><text:p>second line</text:p></table:table-cell>'
        '</table:table-row>'
        '<table:table-row>'
        '<table:covered-table-cell/>' + f("45") +
        '<table:table-cell office:value-type="date" office:date-value="2024-04-02T09:15:00" calcext:value-type="date"><text:p>02.04.24 09:15</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
        '<table:table-cell table:formula="of:=[.B5]*2"/>'
        '<table:table-cell table:number-columns-spanned="2" office:value-type="string" calcext:value-type="string"><text:p>spans two</text:p></table:table-cell>'
        '<table:covered-table-cell/>'
        '</table:table-row>'
        '<table:table-row table:number-rows-repeated="3">' + s("rep") + f("1") + '<table:table-cell table:number-columns-repeated="4"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048567"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        '</table:table>'
        '<table:table table:name="Hidden" table:style-name="ta2"><table:table-row>' + s("secret") + '</table:table-row></table:table>'
        '<table:table table:name="Second" table:style-name="ta1"><table:table-row>' + s("Code") + s("Product") + '</table:table-row>'
        '<table:table-row>' + s("007") + s("Oat drink") + '</table:table-row></table:table>')
    ods(out("handmade.ods"), body, styles)


def repeat_bomb():
    body = ('<table:table table:name="Bomb"><table:table-row table:number-rows-repeated="1048576">'
            '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>'
            '</table:table-row></table:table>')
    ods(out("repeat-bomb.ods"), body)


if __name__ == "__main__":
    openpyxl_book()
    xlsxwriter_book("xlsxwriter.xlsx", False)
    xlsxwriter_book("xlsxwriter-1904.xlsx", True)
    libreoffice_copies()
    handmade_xlsx()
    handmade_ods()
    huge_claim()
    repeat_bomb()
    bad_shared_string()
