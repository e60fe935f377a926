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
where `v` is a read-only ViewContext. Optional:
    CLIENT_STRINGS: {key: lazy string}     texts its client module needs ("KIND.key")
    AGENDAS: {key: (label, [(kind, title or None), ...])}   ready-made agendas
    migrations: sqlite_utils Migrations    its own tables (a set named after the kind)
    export(v, item) -> dict                what may leave the room: the API export and
                                           the report (never anonymous authors, never
                                           intervision content)

Adding a form touches one module here, one client module in static/js/activities/
and its template in templates/activities/, never the dispatcher: modules are found
by looking in this package.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def _discover() -> tuple[ModuleType, ...]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "KIND"):
            found.append(module)
    return tuple(found)


MODULES: tuple[ModuleType, ...] = _discover()


def registry() -> dict[str, ModuleType]:
    return {module.KIND: module for module in MODULES}
