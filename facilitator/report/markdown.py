"""The report as a Markdown document: headings, facts in bold, lists and tables, every
typed text escaped so it shows as typed (facilitator.markdown.escape)."""

from __future__ import annotations

from typing import Any

from facilitator.markdown import escape
from facilitator.report.blocks import Report


def _cell(text: Any) -> str:
    return escape(text, line_start=False) or " "


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in header) + " |",
           "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _block(b: Any) -> list[str]:
    if b.kind == "heading":
        return [f"### {escape(b.text)}"]
    if b.kind == "text":
        text = escape(b.text)
        return [f"*{text}*" if b.role == "note" else (f"> {text}" if b.role == "quote" else text)]
    if b.kind == "facts":
        return [f"- **{escape(label)}:** {escape(value)}" for label, value in b.rows]
    if b.kind == "items":
        lines = [f"**{escape(b.label)}**", ""] if b.label else []
        return lines + [f"{n}. {escape(t)}" if b.numbered else f"- {escape(t)}"
                        for n, t in enumerate(b.items, 1)]
    if b.kind == "chart":
        return [f"**{escape(b.caption)}**", ""] + _table(
            ["", "n", "%"], [[bar.label, str(bar.count), f"{round(bar.percent)}"]
                             for bar in b.bars])
    if b.kind == "table":
        return ([f"**{escape(b.caption)}**", ""] if b.caption else []) + _table(
            [label for _, label in b.columns],
            [[row.get(key, "") for key, _ in b.columns] for row in b.rows])
    raise ValueError(f"unknown block {b.kind}")


def render(report: Report) -> str:
    c = report.cover
    out = [f"# {escape(c.title)}", "", f"*{escape(c.eyebrow)}*", ""]
    out += [f"- **{escape(label)}:** {escape(value)}" for label, value in c.rows] + [""]
    if c.anonymous_note:
        out += [f"*{escape(c.anonymous_note)}*", ""]
    for section in report.sections:
        out += [f"## {escape(section.title)}", ""]
        for b in section.blocks:
            out += _block(b) + [""]
    return "\n".join(out).rstrip() + "\n"
