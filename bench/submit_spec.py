"""What a phone submits in the load benchmark, found in the activity registry.

The benchmark needs one participant action that adds something (scenario b): the first
`*.submit` action a participant may send, with a payload built from its schema. Domain
rows are counted in the activity's table when we know it, so that a duplicate that
slipped past the events table would still show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Activity tables that hold one row per accepted submission, by action name.
DOMAIN_TABLES = {"dilemma.submit": ("dilemmas", "source = 'phone'")}


def sample(field: Any, name: str, i: int, item_id: int) -> Any:
    """A plausible valid value for one schema field."""
    from facilitator import schema as s

    if name == "item_id":
        return item_id
    if isinstance(field, s.Text):
        text = f"Load test {i}: {name} of phone {i}, with a few more words to be realistic."
        return text[: field.max_len]
    if isinstance(field, s.Bool):
        return False
    if isinstance(field, s.Int):
        return field.min
    if isinstance(field, s.Choice):
        return field.options[0]
    if isinstance(field, s.ListOf):
        count = max(field.min_items, 2 if field.max_items >= 2 else field.min_items)
        return [sample(field.item, f"{name} {k + 1}", i, item_id) for k in range(count)]
    if isinstance(field, s.Obj):
        return {k: sample(f, k, i, item_id) for k, f in field.fields.items()}
    return None


@dataclass(frozen=True)
class SubmitSpec:
    kind: str
    op: str
    schema: dict[str, Any]

    def data(self, item_id: int, i: int) -> dict[str, Any]:
        return {k: sample(f, k, i, item_id) for k, f in self.schema.items()}

    def prepare(self, item_id: int) -> list[tuple[str, dict[str, Any]]]:
        """Facilitator actions needed before phones may submit (none so far)."""
        return []

    def domain_rows(self, server: Any, workshop_id: int) -> int | None:
        table = DOMAIN_TABLES.get(self.op)
        if table is None:
            return None
        name, where = table
        return int(server.rows(
            f"SELECT COUNT(*) FROM {name} WHERE workshop_id = ? AND {where}", (workshop_id,)
        )[0][0])


def find_submit() -> SubmitSpec | None:
    from facilitator.activities import ACTIVITIES
    from facilitator.live.actions import PARTICIPANT

    for activity in ACTIVITIES:
        for name, action in activity.actions.actions.items():
            if PARTICIPANT in action.roles and name.endswith(".submit"):
                return SubmitSpec(activity.kind, name, action.schema)
    return None
