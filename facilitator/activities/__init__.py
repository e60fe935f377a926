"""Working forms. Each activity kind is one module with its actions and its views.

An activity module defines (checked by `Activity.of` when the app loads):

    KIND: str                              the agenda item kind
    TITLE: lazy string                     the default title
    actions: ActionSet                     its actions (`kind.verb`)
    default_config() -> dict               config for a new agenda item
    board(v, item) -> dict                 what the board shows
    control(v, item) -> dict               what the facilitator sees
    phone(v, item) -> dict                 what every phone shows (the same for all)
    personal(v, item, ids) -> {id: dict}   what each phone shows of its own

where `v` is a read-only ViewContext and `item` an agenda item with its config parsed.
Optional:

    table(v, item, number) -> dict | None  what table screen `number` shows
    export(v, item) -> dict                what may leave the room: the API export and
                                           the report (never anonymous authors, never
                                           intervision content); facilitator/report/items.py
                                           makes the report's section of it
    CLIENT_STRINGS: {key: lazy string}     texts its client module needs ("KIND.key")
    AGENDAS: {key: (label, [(kind, title or None), ...])}   ready-made agendas
    migrations: sqlite_utils Migrations    its own tables (a set named after the kind)

Adding a form touches one module here (listed in ACTIVITIES below), one client module
static/js/activities/KIND.js and its template templates/activities/KIND.html, never the
dispatcher. A family of forms that share tables (dilemmas, intervision) is a package
whose shared pieces live beside its activities, not in one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from facilitator.activities import agreements, open_agreements, welcome
from facilitator.activities.dilemmas import collect, game, harvest, sort, vote
from facilitator.activities.feedback import activity as feedback
from facilitator.activities.feedback360 import activity as feedback360
from facilitator.activities.intervision import activity as intervision
from facilitator.activities.maturity import activity as maturity_scan
from facilitator.live.actions import ActionSet

View = Callable[..., Any]

REQUIRED = ("KIND", "TITLE", "actions", "default_config", "board", "control", "phone",
            "personal")


@dataclass(frozen=True)
class Activity:
    """One working form, as the engine, the pages and the report use it."""

    kind: str
    title: Any
    actions: ActionSet
    default_config: Callable[[], dict[str, Any]]
    board: View
    control: View
    phone: View
    personal: View
    table: View | None = None
    export: View | None = None
    client_strings: Mapping[str, Any] = field(default_factory=dict)
    agendas: Mapping[str, Any] = field(default_factory=dict)
    migrations: Any = None

    @classmethod
    def of(cls, module: ModuleType) -> Activity:
        missing = [name for name in REQUIRED if not hasattr(module, name)]
        if missing:
            raise TypeError(f"{module.__name__} is not an activity: no {', '.join(missing)}")
        return cls(
            kind=module.KIND,
            title=module.TITLE,
            actions=module.actions,
            default_config=module.default_config,
            board=module.board,
            control=module.control,
            phone=module.phone,
            personal=module.personal,
            table=getattr(module, "table", None),
            export=getattr(module, "export", None),
            client_strings=getattr(module, "CLIENT_STRINGS", {}),
            agendas=getattr(module, "AGENDAS", {}),
            migrations=getattr(module, "migrations", None),
        )


# The order is the order of migrations and of the "add an activity" list.
ACTIVITIES: tuple[Activity, ...] = tuple(
    Activity.of(module)
    for module in (
        agreements,
        collect,
        game,
        harvest,
        sort,
        vote,
        feedback,
        feedback360,
        intervision,
        maturity_scan,
        open_agreements,
        welcome,
    )
)

_BY_KIND = {activity.kind: activity for activity in ACTIVITIES}


def registry() -> dict[str, Activity]:
    return _BY_KIND
