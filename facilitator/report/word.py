"""The report as a Word file (python-docx) that the facilitator edits before sending it:
real headings (Word's navigation pane and table of contents use them), tables with a
header row, the language set for the spelling check, A4, and a running footer with the
page number on every page."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from facilitator.report.blocks import Report
from facilitator.report.model import logo_path

BAR_BLOCKS = 20  # a bar of 100 % is twenty blocks wide
INK = RGBColor(0x0B, 0x4F, 0x8A)


def _language(doc: Any, language: str) -> None:
    """Word's spelling check in the workshop's language."""
    tag = {"nl": "nl-NL", "en": "en-GB"}.get(language, language)
    rpr = doc.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    rpr.append(lang)


def _page_field(paragraph: Any) -> None:
    """A PAGE field: Word fills in the page number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        else:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._r.append(node)


def _table(doc: Any, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table._tbl.tblPr.style = STYLE_IDS["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    # The header row repeats on every page the table runs over.
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    doc.add_paragraph()


# The ids of the default template's styles. python-docx looks a style up by its name on
# every paragraph, which took two seconds for a conference's report; by id it is direct.
STYLE_IDS = {"Quote": "Quote", "List Number": "ListNumber", "List Bullet": "ListBullet",
             "Table Grid": "TableGrid"}


def _styled(doc: Any, text: str, style: str) -> None:
    doc.add_paragraph(text)._p.style = STYLE_IDS[style]


def _block(doc: Any, b: Any) -> None:
    if b.kind == "heading":
        doc.add_heading(b.text, level=2)
    elif b.kind == "text":
        if b.role == "quote":
            _styled(doc, b.text, "Quote")
        else:
            doc.add_paragraph().add_run(b.text).italic = b.role == "note"
    elif b.kind == "facts":
        for label, value in b.rows:
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(value)
    elif b.kind == "items":
        if b.label:
            doc.add_paragraph().add_run(b.label).bold = True
        for text in b.items:
            _styled(doc, text, "List Number" if b.numbered else "List Bullet")
    elif b.kind == "chart":
        doc.add_paragraph().add_run(b.caption).bold = True
        _table(doc, ["", "n", "%", ""], [
            [bar.label, str(bar.count), f"{round(bar.percent)}",
             "█" * round(bar.percent * BAR_BLOCKS / 100)] for bar in b.bars])
    elif b.kind == "table":
        if b.caption:
            doc.add_paragraph().add_run(b.caption).bold = True
        _table(doc, [label for _, label in b.columns],
               [[row.get(key, "") for key, _ in b.columns] for row in b.rows])
    else:
        raise ValueError(f"unknown block {b.kind}")


def render(report: Report) -> bytes:
    doc = Document()
    doc.core_properties.title = report.cover.title
    doc.core_properties.subject = report.cover.eyebrow
    doc.core_properties.language = report.language
    _language(doc, report.language)
    doc.styles["Normal"].font.size = Pt(11)
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.left_margin = page.right_margin = Cm(2.2)
    footer = page.footer.paragraphs[0]
    footer.text = f"{report.footer} · {report.labels['page']} "
    _page_field(footer)

    c = report.cover
    logo = logo_path() if c.logo else None
    if logo:
        doc.add_picture(logo, width=Cm(4))
    eyebrow = doc.add_paragraph().add_run(c.eyebrow)
    eyebrow.font.color.rgb, eyebrow.font.size = INK, Pt(14)
    doc.add_heading(c.title, level=0)
    for label, value in c.rows:
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(value)
    if c.anonymous_note:
        doc.add_paragraph().add_run(c.anonymous_note).italic = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for section in report.sections:
        doc.add_heading(section.title, level=1)
        for b in section.blocks:
            _block(doc, b)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
