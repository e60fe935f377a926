"""What a report is built from: the exports each activity lets leave the room, read
once (`source`), and what the sections read from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from facilitator.activities import registry
from facilitator.agreements import store as agreements_store
from facilitator.db import Store, utcnow
from facilitator.live.screens import ViewContext
from facilitator.report import settings
from facilitator.room.items import agenda_of

DILEMMA_KINDS = ("dilemma_collect", "dilemma_sort", "dilemma_vote", "dilemma_game",
                 "dilemma_harvest")



@dataclass
class Source:
    """What the sections are built from: the exports, read once."""

    v: ViewContext
    workshop: dict[str, Any]
    anonymous: bool
    agenda: list[dict[str, Any]]
    exports: list[tuple[dict[str, Any], Any]]  # (agenda item, its export)
    people: set[str] = field(default_factory=set)  # participants' names (anonymous report)

    def of_kind(self, kind: str) -> list[tuple[dict[str, Any], Any]]:
        return [(item, content) for item, content in self.exports if item["kind"] == kind]

    def dilemmas(self) -> list[dict[str, Any]]:
        """The approved top-level dilemmas, each once (the first collect or sort export)."""
        for kind in ("dilemma_collect", "dilemma_sort"):
            for _item, content in self.of_kind(kind):
                if kind == "dilemma_collect":  # its export holds the hidden ones too
                    return [{**d, "merged": [m for m in d.get("merged", [])
                                             if m.get("approved", True)]}
                            for d in content.get("dilemmas", []) if d.get("approved", True)]
                groups = [d for g in content.get("groups", []) for d in g.get("dilemmas", [])]
                return groups + list(content.get("loose", []))
        return []

    def hidden_dilemmas(self) -> int:
        for _item, content in self.of_kind("dilemma_collect"):
            every = [x for d in content.get("dilemmas", []) for x in [d, *d.get("merged", [])]]
            return sum(1 for d in every if not d.get("approved", True))
        return 0

    def themes(self) -> dict[int, str]:
        for kind in ("dilemma_collect", "dilemma_sort"):
            for _item, content in self.of_kind(kind):
                found = content.get("themes") or [g["theme"] for g in content.get("groups", [])
                                                  if g.get("theme")]
                return {t["id"]: t["name"] for t in found}
        return {}

    def author(self, d: dict[str, Any]) -> str:
        return "" if self.anonymous else (d.get("author") or "")

    def person(self, name: str, is_person: bool = False) -> str:
        """A name as the report may print it: in an anonymous report a participant's
        name becomes "a participant" (a role typed as owner, "the team", stays)."""
        if not self.anonymous or not name:
            return name
        if is_person or name.casefold() in self.people:
            return _("a participant")
        return name


def games(src: Source) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Every dilemma played, with the item it was played on, in agenda order."""
    return [(item, g) for item, content in src.of_kind("dilemma_game")
            for g in content.get("games", []) if g.get("dilemma")]


def dots(src: Source) -> dict[int, int]:
    """Dots per dilemma from the revealed vote rounds."""
    out: dict[int, int] = {}
    for _item, content in src.of_kind("dilemma_vote"):
        for r in content.get("results", []) if content.get("revealed") else []:
            out[r["number"]] = out.get(r["number"], 0) + int(r.get("dots") or 0)
    return out


def agreements(src: Source) -> tuple[list[dict[str, Any]], int]:
    """This workshop's agreements managers may see, and how many others the room made
    (an intervision takeaway kept private is the case-holder's: not even counted)."""
    rows = agreements_store.of_workshop(src.v, src.workshop["id"])
    shown = [r for r in rows if r["manager_visible"]]
    return shown, sum(1 for r in rows if not r["manager_visible"] and r["source"] == "workshop")


def source(db: Store, workshop: dict[str, Any]) -> Source:
    """What one workshop lets leave the room, read once (also the programme report's
    material: report/programme.py)."""
    v = ViewContext(db, workshop, utcnow())
    kinds = registry()
    agenda = agenda_of(db, workshop["id"])
    chosen_settings = settings.of(workshop)
    exports = [(item, kinds[item["kind"]].export(v, item)) for item in agenda
               if item["kind"] in kinds and kinds[item["kind"]].export is not None]
    people = {r["name"].casefold() for r in v.all(
        "SELECT name FROM participants WHERE workshop_id = ? AND name IS NOT NULL",
        (workshop["id"],))}
    return Source(v, workshop, chosen_settings["anonymous"], agenda, exports, people)


