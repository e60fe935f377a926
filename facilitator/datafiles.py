"""Working forms kept as data: a folder of JSON files, each checked against a JSON Schema
in the same folder at start (a broken file stops the server) and again whenever a
facilitator adjusts a copy. Intervision methods and maturity scans both live so."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match


class DataFileError(ValueError):
    """A data file, or an adjusted copy of one, that does not hold together."""


def validator(schema_path: Path) -> tuple[dict[str, Any], Draft202012Validator]:
    schema: dict[str, Any] = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema, Draft202012Validator(schema)


def place(where: str, path: Any) -> str:
    """method.phases[2].minutes: where in the file the problem is."""
    return where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def check(checker: Draft202012Validator, raw: Any, where: str,
          error: type[DataFileError] = DataFileError) -> None:
    """Raise `error` naming the place of the most relevant schema violation, if any
    (a schema's own `x-messages` say it in plain words)."""
    found = best_match(checker.iter_errors(raw))
    if found is not None:
        message = found.schema.get("x-messages", {}).get(found.validator, found.message)
        raise error(f"{place(where, found.absolute_path)}: {message}")


def load_folder(folder: Path, schema_path: Path,
                normalise: Callable[[Any, str], dict[str, Any]],
                error: type[DataFileError] = DataFileError) -> dict[str, dict[str, Any]]:
    """Every *.json in `folder` but the schema, normalised, by key (the file name)."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        if path == schema_path:
            continue
        data = normalise(json.loads(path.read_text(encoding="utf-8")), path.name)
        if data["key"] != path.stem:
            raise error(f"{path.name}: key must be the file name")
        out[data["key"]] = data
    return out


def text(value: dict[str, str], lang: str) -> str:
    """A text of a data file in `lang`, English when that language lacks it."""
    return value.get(lang) or value.get("en") or ""
