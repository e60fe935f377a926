"""Refusals that reach a user: a code and a message in the user's language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


class ActionError(Exception):
    """An action refused: nothing was changed. The message is translated when rendered."""

    def __init__(self, code: str, message: Any, **params: Any):
        super().__init__(code)
        self.code = code
        self.message = message
        self.params = params

    def render(self) -> dict[str, str]:
        text = str(self.message)
        if self.params:
            text = text % self.params
        out = {"code": self.code, "message": text}
        # The payload field it is about (schema checks, a date in the past): the form
        # says it at that field.
        field = getattr(self, "field", None)
        if isinstance(field, str) and field:
            out["field"] = field
        return out


def not_allowed() -> ActionError:
    return ActionError("forbidden", _l("You may not do that here."))


def not_found(what: Any = None) -> ActionError:
    return ActionError("not_found", what or _l("That no longer exists."))
