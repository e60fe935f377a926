"""A view as the change from the one a screen has: what the control page is pushed.

At 5,000 phones and 2,000 dilemmas the control view is 1.5 MB, and a burst pushes it
every few hundred milliseconds while one new dilemma changed one row of it. So after the
first full view, each control socket gets only what changed since the view it was last
sent (the pusher keeps that view per socket); static/js/core/patch.js rebuilds the whole
view from it, and the page renders it as before.

A patch is one of
  {"=": value}               the new value, whole
  {"{": {key: patch, ...}}   the same keys in the same order; only the changed ones listed
  {"[": [entry, ...]}        a list: an entry [start, count] takes old[start:start+count]
                             as it was, an entry {"=": value} is a new or changed element

Elements of a list are matched by their "id" when every element is a dict with a unique
one (a dilemma moves, is inserted or removed), otherwise by position. Equal views give
None: nothing is sent. Values are compared as Python compares them, so a field that went
from 1 to True (or 1.0) would count as unchanged: views build each field with one type.
"""

from __future__ import annotations

from typing import Any

Patch = dict[str, Any]


def diff(old: Any, new: Any) -> Patch | None:
    """What turns `old` into `new`, or None when they are equal."""
    if old == new and type(old) is type(new):
        return None
    if isinstance(old, dict) and isinstance(new, dict) and list(old) == list(new):
        changed: dict[Any, Patch] = {}
        for key, value in new.items():
            change = diff(old[key], value)
            if change is not None:
                changed[key] = change
        return {"{": changed}
    if isinstance(old, list) and isinstance(new, list):
        return {"[": _list(old, new)}
    return {"=": new}


def _ids(items: list[Any]) -> dict[Any, int] | None:
    """Each element's position by its id, when every element has a unique one."""
    index: dict[Any, int] = {}
    for position, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item or item["id"] in index:
            return None
        index[item["id"]] = position
    return index


def _list(old: list[Any], new: list[Any]) -> list[Any]:
    by_id = _ids(old) if new and _ids(new) is not None else None
    entries: list[Any] = []
    for position, item in enumerate(new):
        if by_id is not None:
            was = by_id.get(item["id"])
        else:
            was = position if position < len(old) else None
        if was is None or old[was] != item or type(old[was]) is not type(item):
            entries.append({"=": item})
        elif entries and isinstance(entries[-1], list) and sum(entries[-1]) == was:
            entries[-1][1] += 1  # the run of unchanged elements goes on
        else:
            entries.append([was, 1])
    return entries


def apply(old: Any, patch: Patch) -> Any:
    """The view `diff(old, new)` was made from: what a screen holding `old` rebuilds (the
    reference for static/js/core/patch.js, and what the tests' screens do)."""
    if "=" in patch:
        return patch["="]
    if "{" in patch:
        out = dict(old)
        for key, change in patch["{"].items():
            out[key] = apply(old[key], change)
        return out
    if "[" in patch:
        items: list[Any] = []
        for entry in patch["["]:
            if isinstance(entry, list):
                start, count = entry
                items.extend(old[start:start + count])
            else:
                items.append(entry["="])
        return items
    raise ValueError("not a patch")
