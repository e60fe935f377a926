"""Intervision methods as data: one JSON file per method in this folder.

A method has a key (the file name), a title and a summary in nl and en, a typical
group size, and phases. A phase has typical minutes, a title and an instruction per
role (case_holder, process_guide, member, note_taker) in nl and en, and says what
phones contribute in it (`contribution`), who may (`by`), who sees it (`visibility`),
whether the case-holder only listens (`listen_only`), which earlier private
contributions it shows to the group (`reveals`), and whether the case-holder writes
their takeaway in it (`takeaway`). `validate` checks all of that; facilitators' own
adjusted versions go through the same check.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent
LANGS = ("nl", "en")
ROLES = ("case_holder", "process_guide", "member", "note_taker")
# What phones contribute in a phase; "case" is a case proposal the group votes on.
KINDS = (
    "none",
    "case",
    "question",
    "association",
    "analysis",
    "advice",
    "core_statement",
    "value",
    "insight",
)
BY = ("members", "case_holder", "everyone")
VISIBILITY = ("group", "case_holder", "author")
MAX_PHASES = 20
MAX_MINUTES = 180
TEXT_MAX = 600


class MethodError(ValueError):
    """A method file or an adjusted method that does not hold together."""


def _text(value: Any, where: str, max_len: int = TEXT_MAX) -> dict[str, str]:
    if not isinstance(value, dict):
        raise MethodError(f"{where}: expected {{nl, en}}")
    out = {}
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            raise MethodError(f"{where}: missing {lang} text")
        if len(text) > max_len:
            raise MethodError(f"{where}: {lang} text longer than {max_len}")
        out[lang] = text.strip()
    return out


def _phase(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise MethodError(f"{where}: expected an object")
    key = raw.get("key")
    if not isinstance(key, str) or not key or len(key) > 40:
        raise MethodError(f"{where}: a phase needs a key")
    minutes = raw.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise MethodError(f"{where}: minutes must be a whole number")
    if not 1 <= minutes <= MAX_MINUTES:
        raise MethodError(f"{where}: minutes must be 1 to {MAX_MINUTES}")
    instructions = raw.get("instructions")
    if not isinstance(instructions, dict):
        raise MethodError(f"{where}: instructions missing")
    contribution = raw.get("contribution", "none")
    if contribution not in KINDS:
        raise MethodError(f"{where}: unknown contribution {contribution!r}")
    by = raw.get("by", "members" if contribution != "none" else None)
    visibility = raw.get("visibility", "group")
    if contribution != "none" and by not in BY:
        raise MethodError(f"{where}: 'by' must be one of {BY}")
    if visibility not in VISIBILITY:
        raise MethodError(f"{where}: visibility must be one of {VISIBILITY}")
    reveals = raw.get("reveals", [])
    if not isinstance(reveals, list) or any(k not in KINDS[1:] for k in reveals):
        raise MethodError(f"{where}: reveals must list contribution kinds")
    for flag in ("listen_only", "takeaway"):
        if not isinstance(raw.get(flag, False), bool):
            raise MethodError(f"{where}: {flag} must be true or false")
    return {
        "key": key,
        "minutes": minutes,
        "title": _text(raw.get("title"), f"{where}.title", 120),
        "instructions": {
            role: _text(instructions.get(role), f"{where}.instructions.{role}") for role in ROLES
        },
        "contribution": contribution,
        "by": by if contribution != "none" else None,
        "visibility": visibility,
        "listen_only": raw.get("listen_only", False),
        "reveals": list(reveals),
        "takeaway": raw.get("takeaway", False),
    }


def validate(raw: Any, where: str = "method") -> dict[str, Any]:
    """Check a method (a file's content or an adjusted copy); return it normalised."""
    if not isinstance(raw, dict):
        raise MethodError(f"{where}: expected an object")
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise MethodError(f"{where}: a method needs a key")
    phases = raw.get("phases")
    if not isinstance(phases, list) or not 1 <= len(phases) <= MAX_PHASES:
        raise MethodError(f"{where}: 1 to {MAX_PHASES} phases needed")
    checked = [_phase(p, f"{where}.phases[{i}]") for i, p in enumerate(phases)]
    keys = [p["key"] for p in checked]
    if len(set(keys)) != len(keys):
        raise MethodError(f"{where}: phase keys must be unique")
    if sum(p["contribution"] == "case" for p in checked) > 1:
        raise MethodError(f"{where}: at most one phase chooses the case")
    size = raw.get("group_size", {"min": 3, "max": 10})
    if not isinstance(size, dict) or not all(isinstance(size.get(k), int) for k in ("min", "max")):
        raise MethodError(f"{where}: group_size needs min and max")
    return {
        "key": key,
        "title": _text(raw.get("title"), f"{where}.title", 120),
        "summary": _text(raw.get("summary"), f"{where}.summary"),
        "group_size": {"min": size["min"], "max": size["max"]},
        "phases": checked,
        "base": raw.get("base", key),
    }


@lru_cache(maxsize=1)
def library() -> dict[str, dict[str, Any]]:
    """Every method file, checked; a broken file stops the server at start."""
    methods = {}
    for path in sorted(FOLDER.glob("*.json")):
        data = validate(json.loads(path.read_text(encoding="utf-8")), path.name)
        if data["key"] != path.stem:
            raise MethodError(f"{path.name}: key must be the file name")
        methods[data["key"]] = data
    return methods


def get(key: str) -> dict[str, Any] | None:
    return library().get(key)


def text(value: dict[str, str], lang: str) -> str:
    return value.get(lang) or value.get("en") or ""


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
