"""Intervision methods as data: one JSON file per method in this folder.

A method has a key (the file name), a title and a summary in nl and en, a typical
group size, and phases. A phase has typical minutes, a title and an instruction per
role (case_holder, process_guide, member, note_taker) in nl and en, and says what
phones contribute in it (`contribution`), who may (`by`), who sees it (`visibility`),
whether the case-holder only listens (`listen_only`), which earlier private
contributions it shows to the group (`reveals`), and whether the case-holder writes
their takeaway in it (`takeaway`). `method.schema.json` says all of that as a JSON
Schema; `validate` checks a method against it (facilitators' own adjusted versions go
through the same check) and fills in the defaults.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from facilitator import datafiles

FOLDER = Path(__file__).parent
SCHEMA_PATH = FOLDER / "method.schema.json"
SCHEMA, VALIDATOR = datafiles.validator(SCHEMA_PATH)

# The schema is the one source; the action schemas of the method editor use these.
_PHASE = SCHEMA["$defs"]["phase"]["properties"]
LANGS = tuple(SCHEMA["$defs"]["text"]["required"])
ROLES = tuple(_PHASE["instructions"]["required"])
KINDS = tuple(SCHEMA["$defs"]["kind"]["enum"])
BY = tuple(b for b in _PHASE["by"]["enum"] if b is not None)
VISIBILITY = tuple(_PHASE["visibility"]["enum"])
MAX_PHASES: int = SCHEMA["properties"]["phases"]["maxItems"]
MAX_MINUTES: int = _PHASE["minutes"]["maximum"]
TEXT_MAX: int = SCHEMA["$defs"]["text"]["properties"]["nl"]["maxLength"]
DEFAULT_GROUP_SIZE = {"min": 3, "max": 10}


class MethodError(datafiles.DataFileError):
    """A method file or an adjusted method that does not hold together."""


def _texts(value: dict[str, str]) -> dict[str, str]:
    return {lang: value[lang].strip() for lang in LANGS}


def _phase(raw: dict[str, Any]) -> dict[str, Any]:
    """A checked phase with its defaults filled in."""
    contribution = raw.get("contribution", "none")
    return {
        "key": raw["key"],
        "minutes": int(raw["minutes"]),  # JSON Schema counts 5.0 as an integer
        "title": _texts(raw["title"]),
        "instructions": {role: _texts(raw["instructions"][role]) for role in ROLES},
        "contribution": contribution,
        "by": (raw.get("by") or "members") if contribution != "none" else None,
        "visibility": raw.get("visibility", "group"),
        "listen_only": raw.get("listen_only", False),
        "reveals": list(raw.get("reveals", [])),
        "takeaway": raw.get("takeaway", False),
    }


def validate(raw: Any, where: str = "method") -> dict[str, Any]:
    """Check a method (a file's content or an adjusted copy); return it normalised."""
    datafiles.check(VALIDATOR, raw, where, MethodError)
    keys = [p["key"] for p in raw["phases"]]
    if len(set(keys)) != len(keys):  # beyond what JSON Schema can say
        raise MethodError(f"{where}.phases: phase keys must be unique")
    size = raw.get("group_size", DEFAULT_GROUP_SIZE)
    return {
        "key": raw["key"],
        "title": _texts(raw["title"]),
        "summary": _texts(raw["summary"]),
        "group_size": {"min": size["min"], "max": size["max"]},
        "phases": [_phase(p) for p in raw["phases"]],
        "base": raw.get("base", raw["key"]),
    }


@lru_cache(maxsize=1)
def library() -> dict[str, dict[str, Any]]:
    """Every method file, checked; a broken file stops the server at start."""
    return datafiles.load_folder(FOLDER, SCHEMA_PATH, validate, MethodError)


def get(key: str) -> dict[str, Any] | None:
    return library().get(key)


text = datafiles.text


def adjust(method: dict[str, Any], steps: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """A copy of `method` with phases reordered, skipped, re-timed or added.

    `steps` lists the phases to keep in order: {"key": existing, "minutes": n} or
    {"title": text, "instruction": text, "minutes": n, "contribution": kind} for a new
    phase (its text is the facilitator's, used for every language and role).
    """
    existing = {p["key"]: p for p in method["phases"]}
    phases = []
    added = sum(key.startswith("added_") for key in existing)
    for step in steps:
        if step.get("key"):
            if step["key"] not in existing:
                raise MethodError("unknown phase")
            phase = {**existing[step["key"]], "minutes": step["minutes"]}
        else:
            added += 1
            while f"added_{added}" in existing:
                added += 1
            title = {lang_: step["title"] for lang_ in LANGS}
            instruction = {lang_: step.get("instruction") or step["title"] for lang_ in LANGS}
            contribution = step.get("contribution") or "none"
            phase = {
                "key": f"added_{added}",
                "minutes": step["minutes"],
                "title": title,
                "instructions": {role: dict(instruction) for role in ROLES},
                "contribution": contribution,
                "by": "everyone" if contribution != "none" else None,
                "visibility": "group",
            }
        phases.append(phase)
    return validate({**method, "phases": phases})
