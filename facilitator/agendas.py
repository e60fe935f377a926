"""Ready-made agendas: a name, and the activities it puts on a new workshop."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .activities import MODULES

# key -> (label, [(activity kind, title or None for the activity's default)])
AGENDAS: dict[str, tuple[Any, list[tuple[str, Any]]]] = {
    "welcome": (_l("Welcome only (build the agenda yourself)"), [("welcome", None)]),
}
for _module in MODULES:
    AGENDAS.update(getattr(_module, "AGENDAS", {}))


def choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _) in AGENDAS.items()]


def items(key: str) -> list[tuple[str, Any]]:
    if key not in AGENDAS:
        raise KeyError(key)
    return AGENDAS[key][1]
