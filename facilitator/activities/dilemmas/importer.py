"""Reading prepared dilemmas from a pasted CSV or Markdown list.

CSV: one dilemma per row; with a header row the columns are found by name (situation,
option..., values; Dutch names too), without one they are situation, option A,
option B, option C, option D, values. Markdown: a top-level list item is the
situation, indented items under it are the options, an indented "Values: ..." item
names the values. Every row is checked like a typed dilemma; one bad row refuses the
whole import, so the facilitator never ends up with half a list.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas.store import DILEMMA_FIELDS
from facilitator.errors import ActionError
from facilitator.schema import validate

MAX_IMPORT = 100
SITUATION_NAMES = ("situation", "situatie", "dilemma", "case", "casus")
VALUE_NAMES = ("values", "waarden", "value", "waarde")
OPTION_NAMES = ("option", "optie", "keuze", "choice")
TOP_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")
SUB_ITEM = re.compile(r"^\s+(?:[-*+]|\d+[.)])\s+(.*)$")
VALUES_PREFIX = re.compile(r"^(?:values|waarden)\s*:\s*(.*)$", re.IGNORECASE)


def _row_error(line: int, err: ActionError) -> ActionError:
    return ActionError(
        "invalid",
        _l("Line %(line)s: %(problem)s"),
        line=line,
        problem=err.render()["message"],
    )


def _check(raw: dict[str, Any], line: int) -> dict[str, Any]:
    try:
        return validate(DILEMMA_FIELDS, raw)
    except ActionError as err:
        raise _row_error(line, err) from None


def _csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    rows = list(csv.reader(io.StringIO(text), skipinitialspace=True))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    start = 1
    if header and header[0] in SITUATION_NAMES:
        situation_col = 0
        option_cols = [i for i, h in enumerate(header) if h.startswith(OPTION_NAMES)]
        value_cols = [i for i, h in enumerate(header) if h in VALUE_NAMES]
    else:
        start = 0
        situation_col, option_cols, value_cols = 0, [1, 2, 3, 4], [5]
    out = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue

        def cell(i: int, row: list[str] = row) -> str:
            return row[i].strip() if i < len(row) else ""

        options = [cell(i) for i in option_cols if cell(i)]
        values = " ".join(cell(i) for i in value_cols if cell(i)) or None
        out.append((number, {"situation": cell(situation_col), "options": options,
                             "values": values}))
    return out


def _markdown(text: str) -> list[tuple[int, dict[str, Any]]]:
    out: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        sub = SUB_ITEM.match(line)
        top = TOP_ITEM.match(line)
        if top and not line[0].isspace():
            out.append((number, {"situation": top.group(1), "options": [], "values": None}))
        elif sub and out:
            values = VALUES_PREFIX.match(sub.group(1).strip())
            if values:
                out[-1][1]["values"] = values.group(1)
            else:
                out[-1][1]["options"].append(sub.group(1))
        else:
            raise ActionError(
                "invalid",
                _l("Line %(line)s: start a dilemma with “- ” and its options with “  - ”."),
                line=number,
            )
    return out


def parse(text: str, fmt: str) -> list[dict[str, Any]]:
    """Checked dilemmas from the pasted text, or a refusal naming the first bad line."""
    found = _csv(text) if fmt == "csv" else _markdown(text)
    if not found:
        raise ActionError("invalid", _l("No dilemmas found in the text."))
    if len(found) > MAX_IMPORT:
        raise ActionError("invalid", _l("At most %(max)s items."), max=MAX_IMPORT)
    return [_check(raw, line) for line, raw in found]
