"""Working forms. Each module is one activity kind with its actions and its views.

An activity module defines:
    KIND: str                              the agenda item kind
    TITLE: lazy string                     the default title
    actions: ActionSet                     its actions (`kind.verb`)
    default_config() -> dict               config for a new agenda item
    board(v, item) -> dict                 what the board shows
    control(v, item) -> dict               what the facilitator sees
    phone(v, item) -> dict                 what every phone shows (the same for all)
    personal(v, item, ids) -> {id: dict}   what each phone shows of its own
where `v` is a read-only ViewContext. Adding a form touches one module here,
one client module in static/js/activities/ and its templates, never the dispatcher.
"""

from __future__ import annotations

from types import ModuleType

from . import welcome

MODULES: tuple[ModuleType, ...] = (welcome,)


def registry() -> dict[str, ModuleType]:
    return {module.KIND: module for module in MODULES}
