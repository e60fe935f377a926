"""Reading prepared dilemmas from a pasted CSV or Markdown list.

CSV: one dilemma per row, separated by ";" (Dutch Excel), "," or tabs (detected with
csv.Sniffer); with a header row the columns are found by name (situation,
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

from facilitator.activities.dilemmas.store import (
    DILEMMA_FIELDS,
    MAX_OPTIONS,
    OPTION_MAX,
    SITUATION_MAX,
    VALUES_MAX,
)
from facilitator.errors import ActionError
from facilitator.schema import validate

MAX_IMPORT = 100
SITUATION_NAMES = ("situation", "situatie", "dilemma", "case", "casus")
VALUE_NAMES = ("values", "waarden", "value", "waarde")
OPTION_NAMES = ("option", "optie", "keuze", "choice")
TOP_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")
SUB_ITEM = re.compile(r"^\s+(?:[-*+]|\d+[.)])\s+(.*)$")
VALUES_PREFIX = re.compile(r"^(?:values|waarden)\s*:\s*(.*)$", re.IGNORECASE)


def _problem(line: int, message: Any, **params: Any) -> ActionError:
    problem = str(message) % params if params else str(message)
    return ActionError("invalid", _l("Line %(line)s: %(problem)s"), line=line, problem=problem)


def _check(raw: dict[str, Any], line: int) -> dict[str, Any]:
    """One row checked like a typed dilemma, the problem said in the facilitator's words
    (which part, how long it may be), never a schema field name."""
    if not raw["situation"]:
        raise _problem(line, _l("the situation (first column) is empty."))
    if len(raw["options"]) < 2:
        raise _problem(
            line,
            _l("a dilemma needs at least two options; this line has %(n)s."),
            n=len(raw["options"]),
        )
    if len(raw["options"]) > MAX_OPTIONS:
        raise _problem(line, _l("at most %(max)s options; this line has %(n)s."),
                       max=MAX_OPTIONS, n=len(raw["options"]))
    too_long = [
        (_l("the situation"), raw["situation"], SITUATION_MAX),
        *((_l("an option"), o, OPTION_MAX) for o in raw["options"]),
        (_l("the values"), raw["values"] or "", VALUES_MAX),
    ]
    for part, text, limit in too_long:
        if len(text) > limit:
            raise _problem(line, _l("%(part)s has %(n)s characters; at most %(max)s fit."),
                           part=str(part), n=len(text), max=limit)
    try:
        return validate(DILEMMA_FIELDS, raw)
    except ActionError as err:
        raise _problem(line, err.render()["message"]) from None


def _dialect(text: str) -> Any:
    """Semicolons (Dutch Excel), commas or tabs: detected from the text itself."""
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        # One column or an unusual line: the most frequent candidate decides.
        counts = {d: sample.count(d) for d in ";,\t"}
        dialect = csv.excel()
        dialect.delimiter = max(counts, key=lambda d: counts[d])
        return dialect


def _is_header(row: list[str]) -> bool:
    names = [h.strip().lower() for h in row]
    return bool(names) and names[0] in SITUATION_NAMES and any(
        n.startswith(OPTION_NAMES) for n in names[1:]
    )


def _csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    rows = list(csv.reader(io.StringIO(text), _dialect(text), skipinitialspace=True))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    start = 1
    if _is_header(rows[0]):
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
        # More cells than the columns known: options the facilitator typed too many of.
        extra = [c.strip() for c in row[max(option_cols + value_cols) + 1:] if c.strip()]
        if extra and start == 0:
            raise _problem(number, _l("more columns than situation, four options and"
                                      " values; check the separators in this line."))
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

