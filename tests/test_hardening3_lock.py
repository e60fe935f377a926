"""Issue 12, item 19: a fresh machine installs exactly what was tested. The lock files pin
every package (transitive ones and the build backend included) with hashes, the
environment the tests run in is the locked one, and setup.sh installs with
--require-hashes. (The fresh clone itself: README.md, "Exactly what was tested".)"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"^([A-Za-z0-9._-]+)==(\S+) \\$")


def _lock(name: str) -> dict[str, tuple[str, int]]:
    """{package: (version, number of hashes)} of a lock file."""
    out: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        found = ENTRY.match(line)
        if found:
            current = canonicalize_name(found.group(1))
            out[current] = (found.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = out[current]
            out[current] = (version, hashes + 1)
        elif line and not line.startswith((" ", "#")):
            raise AssertionError(f"{name}: not a pinned entry: {line!r}")
    return out


def _closure(roots: list[Requirement], extras: set[str]) -> set[str]:
    """Every distribution these requirements pull in, as installed here."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        req = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": ""}) and not any(
                req.marker.evaluate({"extra": e}) for e in extras):
            continue
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        dist = metadata.distribution(req.name)
        for sub in dist.requires or []:
            parsed = Requirement(sub)
            if parsed.marker and "extra" in str(parsed.marker):
                if not any(parsed.marker.evaluate({"extra": e}) for e in req.extras):
                    continue
            elif parsed.marker and not parsed.marker.evaluate():
                continue
            todo.append(parsed)
    return seen


def test_every_package_is_locked_with_hashes() -> None:
    test_lock, lock = _lock("requirements-test.lock"), _lock("requirements.lock")
    for name, entries in (("requirements-test.lock", test_lock), ("requirements.lock", lock)):
        assert entries, name
        unhashed = [p for p, (_, hashes) in entries.items() if hashes == 0]
        assert unhashed == [], (name, unhashed)
        assert "setuptools" in entries and "pip" in entries, name  # the build backend too
    # The server's lock is the test lock's versions, no other.
    assert {p: v for p, (v, _) in lock.items()} == {
        p: test_lock[p][0] for p in lock}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = [Requirement(r) for r in project["dependencies"]]
    tests = [Requirement(r) for r in project["optional-dependencies"]["test"]]
    for req in runtime:
        assert lock[canonicalize_name(req.name)][0] in req.specifier, req
    for req in runtime + tests:
        assert test_lock[canonicalize_name(req.name)][0] in req.specifier, req


def test_the_tests_run_with_exactly_the_locked_packages() -> None:
    test_lock = _lock("requirements-test.lock")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    roots = [Requirement(r) for r in project["dependencies"]]
    roots += [Requirement(r) for r in project["optional-dependencies"]["test"]]
    installed = _closure(roots, {"test"})
    missing = sorted(installed - set(test_lock))
    assert missing == [], f"installed but not locked: {missing}"
    differ = {p: (metadata.version(p), test_lock[p][0]) for p in installed
              if metadata.version(p) != test_lock[p][0]}
    assert differ == {}, f"installed version differs from the lock: {differ}"


def test_setup_installs_from_the_lock_with_hashes_only() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "--require-hashes --no-deps -r \"$lock\"" in setup
    assert "requirements-test.lock" in setup and 'lock="requirements.lock"' in setup
    assert "--no-deps --no-build-isolation -e ." in setup
    assert "pip check" in setup
    # Nothing else installed from the index without a hash.
    installs = [line for line in setup.splitlines() if "pip install" in line]
    assert len(installs) == 2, installs
