"""Small declarative checks for action payloads, with translated errors.

Every text has a maximum length and every list a maximum count (DESIGN invariant 6).
Unknown keys are refused so that a typo in a client shows up at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.errors import ActionError


def _invalid(field: str, message: Any, **params: Any) -> ActionError:
    err = ActionError("invalid", message, **params)
    err.field = field  # type: ignore[attr-defined]
    return err


@dataclass(frozen=True)
class Text:
    max_len: int = 500
    required: bool = True
    multiline: bool = False

    def check(self, name: str, value: Any) -> str | None:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise _invalid(name, _l("Please enter text."))
        value = value.strip()
        if not self.multiline:
            value = " ".join(value.split())
        if not value:
            if self.required:
                raise _invalid(name, _l("This field cannot be empty."))
            return None
        if len(value) > self.max_len:
            raise _invalid(name, _l("Too long: at most %(max)s characters."), max=self.max_len)
        return value


@dataclass(frozen=True)
class Int:
    min: int = 0
    max: int = 1_000_000
    required: bool = True

    def check(self, name: str, value: Any) -> int | None:
        if value is None and not self.required:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(name, _l("Please enter a whole number."))
        if not self.min <= value <= self.max:
            raise _invalid(
                name,
                _l("Please enter a number from %(min)s to %(max)s."),
                min=self.min,
                max=self.max,
            )
        return value


@dataclass(frozen=True)
class Bool:
    default: bool = False

    def check(self, name: str, value: Any) -> bool:
        if value is None:
            return self.default
        if not isinstance(value, bool):
            raise _invalid(name, _l("Please choose yes or no."))
        return value


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]
    required: bool = True

    def check(self, name: str, value: Any) -> str | None:
        if value is None and not self.required:
            return None
        if value not in self.options:
            raise _invalid(name, _l("That is not one of the choices."))
        return value


@dataclass(frozen=True)
class ListOf:
    item: Any
    max_items: int = 20
    min_items: int = 0

    def check(self, name: str, value: Any) -> list[Any]:
        if value is None:
            value = []
        if not isinstance(value, list):
            raise _invalid(name, _l("Please give a list."))
        if len(value) > self.max_items:
            raise _invalid(name, _l("At most %(max)s items."), max=self.max_items)
        items = [self.item.check(f"{name}.{i}", v) for i, v in enumerate(value)]
        items = [v for v in items if v is not None]
        if len(items) < self.min_items:
            raise _invalid(name, _l("At least %(min)s items."), min=self.min_items)
        return items


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Any]
    required: bool = True

    def check(self, name: str, value: Any) -> dict[str, Any] | None:
        if value is None and not self.required:
            return None
        return validate(self.fields, value)


def validate(schema: dict[str, Any], data: Any) -> dict[str, Any]:
    """Check `data` against `schema`; return the cleaned values or raise ActionError."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _invalid("", _l("The message is not in the expected form."))
    unknown = set(data) - set(schema)
    if unknown:
        raise _invalid(sorted(unknown)[0], _l("The message is not in the expected form."))
    return {key: field.check(key, data.get(key)) for key, field in schema.items()}
