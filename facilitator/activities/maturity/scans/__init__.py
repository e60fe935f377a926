"""Maturity scans as data: one JSON file per scan in this folder (`scan.schema.json`
says the shape). A scan has a key (the file name), a title and a summary in nl and en,
and statements, each in one area: the three pillars of professionalism (personal,
collective, connective) and the organisation's side (space, support, steering).
Facilitators' adjusted copies go through the same check; `base` names the library scan
a copy started from, so that a team's scans compare over time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from facilitator import datafiles

FOLDER = Path(__file__).parent
SCHEMA_PATH = FOLDER / "scan.schema.json"
SCHEMA, VALIDATOR = datafiles.validator(SCHEMA_PATH)
AREAS: tuple[str, ...] = tuple(SCHEMA["$defs"]["statement"]["properties"]["area"]["enum"])
PILLARS = AREAS[:3]  # the professional's side; the rest is the organisation's
MAX_STATEMENTS: int = SCHEMA["properties"]["statements"]["maxItems"]
TEXT_MAX: int = SCHEMA["$defs"]["text"]["properties"]["nl"]["maxLength"]
LANGS = tuple(SCHEMA["$defs"]["text"]["required"])
text = datafiles.text


class ScanError(datafiles.DataFileError):
    """A scan file or an adjusted scan that does not hold together."""


def validate(raw: Any, where: str = "scan") -> dict[str, Any]:
    """Check a scan (a file's content or an adjusted copy); return it normalised, its
    statements in area order (the board reads them per area)."""
    datafiles.check(VALIDATOR, raw, where, ScanError)
    keys = [s["key"] for s in raw["statements"]]
    if len(set(keys)) != len(keys):
        raise ScanError(f"{where}.statements: statement keys must be unique")
    statements = [{"key": s["key"], "area": s["area"],
                   "text": {lang: s["text"][lang].strip() for lang in LANGS}}
                  for s in raw["statements"]]
    return {
        "key": raw["key"],
        "title": {lang: raw["title"][lang].strip() for lang in LANGS},
        "summary": {lang: raw["summary"][lang].strip() for lang in LANGS},
        "statements": statements,
        "base": raw.get("base", raw["key"]),
    }


@lru_cache(maxsize=1)
def library() -> dict[str, dict[str, Any]]:
    """Every scan file, checked; a broken file stops the server at start."""
    return datafiles.load_folder(FOLDER, SCHEMA_PATH, validate, ScanError)


def get(key: str) -> dict[str, Any] | None:
    return library().get(key)


def adjust(scan: dict[str, Any], statements: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of `scan` with statements kept, reordered, reworded or added.

    `statements` lists what to keep in order: {"key": existing} (optionally with a new
    `text`, which then holds for every language) or {"area": area, "text": text} for a
    new one (the facilitator's text, used for every language).
    """
    existing = {s["key"]: s for s in scan["statements"]}
    added = sum(key.startswith("added_") for key in existing)
    out = []
    for step in statements:
        if step.get("key"):
            if step["key"] not in existing:
                raise ScanError("unknown statement")
            statement = dict(existing[step["key"]])
            if step.get("text"):
                statement["text"] = {lang_: step["text"] for lang_ in LANGS}
        else:
            added += 1
            while f"added_{added}" in existing:
                added += 1
            statement = {"key": f"added_{added}", "area": step["area"],
                         "text": {lang_: step["text"] for lang_ in LANGS}}
        out.append(statement)
    return validate({**scan, "statements": out})
