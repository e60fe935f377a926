"""Docs that stay true: every action and every setting is documented, the README's links
stay inside the repository."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
DEPLOY = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def _settings() -> set[str]:
    """Every FACILITATOR_* setting config.py knows, without the X of FACILITATOR_X.

    Read from config.py's syntax rather than one dict's name, so that the test stays right
    however the defaults are spelled: the keys of a dict of defaults or the keywords of a
    call that sets them (which the environment fills, by hand or through Flask's
    `from_prefixed_env("FACILITATOR")`), a `.get("X")`
    of a setting without a default (SECRET_KEY), or a `FACILITATOR_X` written out."""
    source = (ROOT / "facilitator" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r"FACILITATOR_([A-Z][A-Z0-9_]*)", source))
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Dict) and len(node.keys) >= 3:
            keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
            if all(isinstance(k, str) and UPPER.fullmatch(k) for k in keys):
                names |= set(keys)  # type: ignore[arg-type]
        elif isinstance(node, ast.Call) and len(node.keywords) >= 3 and all(
            k.arg and UPPER.fullmatch(k.arg) for k in node.keywords
        ):  # dict(DATA_DIR=..., ...) or config.from_mapping(DATA_DIR=..., ...)
            names |= {k.arg for k in node.keywords if k.arg}
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "get" and node.args
              and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str) and UPPER.fullmatch(node.args[0].value)):
            names.add(node.args[0].value)
    return names


UPPER = re.compile(r"[A-Z][A-Z0-9_]*")


def _read_elsewhere() -> set[str]:
    """FACILITATOR_X read outside config.py (run.py's --host and --port defaults)."""
    names: set[str] = set()
    for path in [ROOT / "run.py", *(ROOT / "facilitator").rglob("*.py")]:
        names |= set(re.findall(r"FACILITATOR_([A-Z][A-Z0-9_]*)",
                                path.read_text(encoding="utf-8")))
    return names


def test_every_registered_action_is_in_the_protocol(app: Any) -> None:
    actions = app.extensions["facilitator.dispatcher"].actions
    assert len(actions) > 50  # the whole registry, not an empty one
    missing = sorted(name for name in actions if f"`{name}`" not in PROTOCOL
                     and not _in_shorthand(name))
    assert not missing, f"actions not in docs/protocol.md: {missing}"


def _in_shorthand(name: str) -> bool:
    """`dilemma_vote.open` / `.close` documents both names in one table row."""
    noun, verb = name.rsplit(".", 1)
    return bool(re.search(rf"`{re.escape(noun)}\.\w+` / `\.{re.escape(verb)}`", PROTOCOL))


def test_every_setting_is_in_deploy_md() -> None:
    settings = _settings()
    assert {"SECRET_KEY", "PUBLIC_URL", "ACTION_RATE", "DATA_DIR"} <= settings  # found them
    missing = sorted(s for s in settings if f"FACILITATOR_{s}" not in DEPLOY)
    assert not missing, f"settings not in docs/deploy.md: {missing}"


def test_deploy_md_names_no_setting_that_does_not_exist() -> None:
    documented = set(re.findall(r"FACILITATOR_([A-Z][A-Z0-9_]*)", DEPLOY))
    assert documented
    unknown = sorted(documented - _settings() - _read_elsewhere())
    assert not unknown, f"docs/deploy.md names settings nothing reads: {unknown}"


LINK = re.compile(r"\]\(([^)\s]+)\)")


def test_readme_links_stay_inside_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = LINK.findall(readme)
    assert len(links) > 5
    bad = []
    for link in links:
        if link.startswith(("http://", "https://", "mailto:")):
            bad.append(f"{link}: outside the repository")
            continue
        path = unquote(link.split("#", 1)[0])
        target = (ROOT / path).resolve()
        if ROOT not in target.parents and target != ROOT:
            bad.append(f"{link}: outside the repository")
        elif not target.exists():
            bad.append(f"{link}: no such file")
        elif "#" in link and target.suffix == ".md" and link.split("#", 1)[1] not in _anchors(
            target
        ):
            bad.append(f"{link}: no such heading")
    assert not bad, bad


def test_docs_links_resolve() -> None:
    """The documents' links to each other (and to code) point at files that exist."""
    bad = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for link in LINK.findall(doc.read_text(encoding="utf-8")):
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = link.partition("#")
            target = (doc.parent / unquote(path)).resolve() if path else doc
            if not target.exists():
                bad.append(f"{doc.name}: {link}")
            elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
                bad.append(f"{doc.name}: {link} (no such heading)")
    assert not bad, bad


def _anchors(doc: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    out = set()
    for line in doc.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return out


PATH_IN_CODE = re.compile(r"`((?:facilitator|tests|bench|scripts|docs)/[A-Za-z0-9_./-]+)")


def test_paths_named_in_the_docs_exist() -> None:
    """`facilitator/live/pusher.py` and the like: a file that moved is found here, not by a
    reader. Patterns (KIND.js, <kind>.html, *.json) stop the match before the placeholder."""
    bad = []
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for doc in docs:
        for path in PATH_IN_CODE.findall(doc.read_text(encoding="utf-8")):
            path = path.rstrip(".")
            if "KIND" in path:
                continue
            if not (ROOT / path).exists():
                bad.append(f"{doc.name}: {path}")
    assert not bad, bad


def test_every_phase_of_every_method_is_in_intervision_md() -> None:
    import json

    text = (ROOT / "docs" / "intervision.md").read_text(encoding="utf-8")
    section = text[text.index("## Phases per method"):]
    folder = ROOT / "facilitator" / "activities" / "intervision" / "methods"
    files = sorted(f for f in folder.glob("*.json") if not f.name.endswith(".schema.json"))
    assert len(files) >= 8
    missing = []
    for path in files:
        method = json.loads(path.read_text(encoding="utf-8"))
        start = section.find(f"(`{method['key']}`,")
        if start < 0:
            missing.append(method["key"])
            continue
        end = section.find("\n**", start)
        table = section[start:end if end > 0 else None]
        for number, phase in enumerate(method["phases"], start=1):
            row = f"| {number} | {phase['title']['en']} (`{phase['key']}`) | {phase['minutes']} |"
            if row not in table:
                missing.append(f"{method['key']}: {row}")
    assert not missing, missing
