"""Small texts and charts the report's sections share: a dilemma referred to, a
percentage, a round's title and split, how many changed their choice."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from facilitator.report.blocks import (
    Bar,
    Chart,
    Text,
)

LETTERS = "ABCDEFGHIJ"
SHORT = 90  # characters of a dilemma's situation where it is referred to, not written out
SLIDER_BANDS = ("0–19", "20–39", "40–59", "60–79", "80–100")

def short(text: str, limit: int = SHORT) -> str:
    """The start of a text, cut at a word, for a reference to something written out."""
    flat = " ".join(str(text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def ref(d: dict[str, Any]) -> str:
    return f"#{d.get('number')} {short(d.get('situation', ''))}"


def percent(count: int, total: int) -> float:
    return round(100 * count / total, 1) if total else 0.0


def percent_text(value: float) -> str:
    return format_decimal(round(value), format="#,##0") + "\u00a0%"  # never "59 / %"


def kind_label(category: str | None) -> str:
    return {"content": _("content"), "organisational": _("organisational")}.get(
        category or "", _("not yet marked"))


def round_title(rnd: dict[str, Any]) -> str:
    n = rnd.get("number")
    if rnd.get("kind") == "revote":
        return _("Round %(n)s: vote again", n=n)
    if rnd.get("kind") == "variation":
        return _("Round %(n)s: but what if…?", n=n)
    return _("Round %(n)s", n=n)


def split(rnd: dict[str, Any], labels: list[str]) -> Chart | None:
    """A revealed round as bars on one scale: the share of everyone who chose."""
    d = rnd.get("distribution")
    if not d:
        return None
    total = int(d.get("total") or 0)
    if rnd.get("mode") == "slider":
        counts = list(d.get("bands") or [])
        names = [f"{band}" for band in SLIDER_BANDS[: len(counts)]]
    else:
        counts = [int(o.get("count") or 0) for o in d.get("options", [])]
        names = [f"{LETTERS[i]}. {o.get('label', '')}" for i, o in enumerate(d.get("options", []))]
    bars = [Bar(label, n, percent(n, total)) for label, n in zip(names, counts, strict=False)]
    caption = f"{round_title(rnd)} · " + ngettext("%(num)s has chosen", "%(num)s have chosen",
                                                  total)
    return Chart(caption, bars, total)


def split_text(chart: Chart | None) -> str:
    if chart is None:
        return ""
    return " · ".join(f"{bar.label.split('.')[0]}\u00a0{percent_text(bar.percent)}"
                      for bar in chart.bars)


def changed_text(shift: dict[str, Any] | None) -> str:
    if not shift:
        return ""
    return ngettext("%(num)s of %(both)s changed their choice",
                    "%(num)s of %(both)s changed their choice",
                    int(shift.get("changed") or 0), both=int(shift.get("both") or 0))


def personal_note(count: int) -> Text | None:
    if not count:
        return None
    return Text(ngettext("%(num)s agreement is visible to the participants only.",
                         "%(num)s agreements are visible to the participants only.", count),
                role="note")


