"""The pieces a report is made of. Every renderer (page, Markdown, Word, CSV) knows these
seven kinds and nothing else, so what one format shows, every format shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Text:
    text: str
    role: str = "text"  # "note": what is counted but left out; "quote": a typed text

    kind = "text"


@dataclass
class Heading:
    """A sub-heading inside a section (a dilemma, a round); the CSV's "about" column."""

    text: str

    kind = "heading"


@dataclass
class Facts:
    rows: list[tuple[str, str]]

    kind = "facts"


@dataclass
class Items:
    label: str
    items: list[str]
    numbered: bool = False

    kind = "items"


@dataclass
class Bar:
    label: str
    count: int
    percent: float  # of everyone who chose in that round: one scale for every chart


@dataclass
class Chart:
    caption: str
    bars: list[Bar]
    total: int

    kind = "chart"


# The columns a table may have: their keys are the CSV's columns too (spreadsheet.py).
COLUMNS = ("dilemma", "text", "count", "first", "last", "shift", "who", "with", "priority",
           "date", "check", "status", "note",
           # the programme report's (report/programme.py)
           "workshop", "day", "theme", "kind", "meetings", "present")


@dataclass
class Table:
    caption: str
    columns: list[tuple[str, str]]  # (key from COLUMNS, translated header)
    rows: list[dict[str, str]]

    kind = "table"

    def __post_init__(self) -> None:
        unknown = {key for key, _ in self.columns} - set(COLUMNS)
        if unknown:
            raise ValueError(f"unknown report columns: {sorted(unknown)}")


@dataclass
class Section:
    key: str  # stable: "summary", "dilemmas", "item-12", ...
    title: str
    blocks: list[Any] = field(default_factory=list)

    def add(self, *blocks: Any) -> Section:
        self.blocks += [b for b in blocks if b is not None]
        return self

    @property
    def empty(self) -> bool:
        return not any(b.kind != "heading" for b in self.blocks)


@dataclass
class Cover:
    title: str
    eyebrow: str
    organisation: str
    team: str
    date: str
    place: str
    facilitator: str
    logo: bool
    anonymous_note: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # labelled, the empty left out


@dataclass
class Report:
    cover: Cover
    sections: list[Section]
    language: str
    anonymous: bool
    footer: str  # the running footer of every printed page
    labels: dict[str, Any]  # the few words renderers need ("Page", "Contents")

    def texts(self) -> list[str]:
        """Every text the report holds (the tests compare formats with it)."""
        out = [self.cover.title, self.cover.eyebrow, self.cover.anonymous_note,
               *(v for row in self.cover.rows for v in row)]
        for section in self.sections:
            out.append(section.title)
            for b in section.blocks:
                if b.kind in ("text", "heading"):
                    out.append(b.text)
                elif b.kind == "facts":
                    out += [v for row in b.rows for v in row]
                elif b.kind == "items":
                    out += [b.label, *b.items]
                elif b.kind == "chart":
                    out += [b.caption, *(bar.label for bar in b.bars)]
                elif b.kind == "table":
                    out += [b.caption, *(r.get(k, "") for r in b.rows for k, _ in b.columns)]
        return [t for t in out if t]
