"""The maturity scan's section of the workshop report, from its export: the group's
results per area (two distributions, the means, the gap, the change since the team's
previous scan) and the statements the room disagreed about most. The export holds no
individual rating, so neither can this."""

from __future__ import annotations

from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from facilitator.activities.maturity.activity import AREA_LABELS
from facilitator.activities.maturity.store import MIN_RATERS
from facilitator.report.blocks import Bar, Chart, Facts, Heading, Items, Section, Text


def _n(value: float, signed: bool = False) -> str:
    text = format_decimal(value, format="0.0")
    return f"+{text}" if signed and value > 0 else text


def _chart(caption: str, d: dict[str, Any]) -> Chart:
    total = int(d["total"])
    return Chart(caption, [Bar(str(v), int(c), round(100 * c / total, 1) if total else 0.0)
                           for v, c in zip(range(1, 6), d["counts"], strict=True)], total)


def section(src: Any, item: dict[str, Any], content: dict[str, Any]) -> Section:
    out = Section(f"item-{item['id']}", item["title"])
    raters = int(content.get("raters") or 0)
    if not raters:
        return out
    out.add(Facts([(_("Scan"), content.get("title", "")),
                   (_("Statements"), str(content.get("statements_n", ""))),
                   (_("People who rated"), str(raters))]))
    results = content.get("results") if content.get("revealed") else None
    if not results:
        return out.add(Text(_("The results were not revealed."), role="note"))
    out.add(Text(_("Everyone rated each statement from 1 (not at all) to 5 (fully), for"
                   " themselves and for their team or organisation. Only the group's"
                   " results are shown, never one person's rating."), role="note"))
    if results.get("previous"):
        out.add(Text(_("Change compared with: %(title)s", title=results["previous"]["workshop"])))
    for area in results["areas"]:
        label = str(AREA_LABELS.get(area["area"], area["area"]))
        out.add(Heading(label))
        for about, caption in (("self", _("About themselves")),
                               ("team", _("About the team or organisation"))):
            d = area.get(about)
            if not d:
                out.add(Text(_("Fewer than %(n)s people rated: not shown, so that nobody"
                               " can be traced.", n=MIN_RATERS), role="note"))
                continue
            out.add(_chart(f"{caption}: {_('average %(n)s', n=_n(d['mean']))},"
                           f" {_('spread %(n)s', n=_n(d['spread']))}", d))
        facts = []
        if area.get("gap") is not None:
            facts.append((_("Gap (self minus team)"), _n(area["gap"], signed=True)))
        for about, name in (("self", _("Change about themselves")),
                            ("team", _("Change about the team"))):
            change = (area.get("change") or {}).get(about)
            if change is not None:
                facts.append((name, _n(change, signed=True)))
        out.add(Facts(facts) if facts else None)
    disagree = results.get("disagree", [])[:5]
    if disagree:
        out.add(Items(_("Where the room disagreed most (about the team)"), [
            f"{d['text']} ({_('average %(n)s', n=_n(d['mean']))},"
            f" {_('spread %(n)s', n=_n(d['spread']))})" for d in disagree], numbered=True))
    return out
