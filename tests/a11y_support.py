"""Shared by the accessibility tests: one server per module, workshops in a given state,
browser contexts with the right cookies, and axe-core (axe-playwright-python).

A workshop for an activity kind is built the way a facilitator builds it: create it
(API), then `agenda.add` {kind, title}, `workshop.open` and `agenda.goto` over a
facilitator socket. New activity kinds are picked up from facilitator.activities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import support
from axe_playwright_python.sync_playwright import Axe
from support import Client, Server, login_cookies
from support.pages import settle_page

FAC_EMAIL = "a11y@example.nl"
MANAGER_EMAIL = "manager@example.nl"
LANGS = ("nl", "en")
# What the room must never meet: axe's two highest impacts.
BLOCKING = ("serious", "critical")


def activity_kinds() -> list[str]:
    """Every activity kind that exists now (new modules join the audit by themselves)."""
    from facilitator.activities import registry

    return sorted(registry())


# --- the server and its people ----------------------------------------------------------


@dataclass
class Room:
    """A running server with a facilitator (and a manager) who can build workshops."""

    server: Server
    token: str
    cookies: dict[str, str]
    manager_cookies: dict[str, str] = field(default_factory=dict)
    sockets: list[Client] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    def socket(self, code: str) -> Client:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        client = Client(self.url, {"kind": "facilitator", "code": code}, {"Cookie": cookie})
        self.sockets.append(client)
        return client

    def participant_socket(self, code: str, token: str) -> Client:
        client = Client(self.url, {"kind": "participant", "code": code, "token": token})
        self.sockets.append(client)
        return client

    def workshop(self, kind: str | None = None, language: str = "nl", open_: bool = True,
                 title: str = "Werkconferentie Wijkteam Noord") -> Workshop:
        """A workshop whose current agenda item is of `kind` (None: its default agenda)."""
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        built = support.Room(self.server, self.token, cookie, open_=open_, title=title,
                             language=language)
        self.sockets.extend(built.own)
        ws = Workshop(self, built.ws, _fac=built.fac)
        if kind is not None:
            ack = ws.act("agenda.add", {"kind": kind, "title": _kind_title(kind, language)})
            ws.item_id = ack["result"]["item_id"]
            if open_:
                ws.act("agenda.goto", {"item_id": ws.item_id})
        return ws

    def close(self) -> None:
        for client in self.sockets:
            try:
                client.close()
            except Exception:
                pass


@dataclass
class Workshop:
    room: Room
    info: dict[str, Any]
    item_id: int | None = None
    _fac: Client | None = None
    people: list[dict[str, Any]] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.info["code"]

    @property
    def language(self) -> str:
        return self.info["language"]

    @property
    def fac(self) -> Client:
        if self._fac is None:
            self._fac = self.room.socket(self.code)
        return self._fac

    def act(self, op: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        ack = self.fac.act(op, data)
        assert ack["ok"], f"{op} {data}: {ack}"
        return ack

    def join(self, name: str | None = "Ann de Vries") -> dict[str, Any]:
        """A participant joined over the API: {token, participant_id, code}."""
        joined = self.room.server.join(self.code, name)
        self.people.append(joined)
        return joined

    def participant(self, joined: dict[str, Any]) -> Client:
        return self.room.participant_socket(self.code, joined["token"])

    def path(self, key: str) -> str:
        return urlsplit(self.info[key]).path


def _kind_title(kind: str, language: str) -> str:
    return {"nl": f"Werkvorm {kind}", "en": f"Activity {kind}"}[language]


def start_room(data_dir: Path) -> Iterator[Room]:
    """A server (rate limits off: the audit logs in and joins many times) and its people."""
    server = Server(data_dir, {"FACILITATOR_RATELIMIT_ENABLED": "0"})
    server.start()
    try:
        server.add_user(FAC_EMAIL, "facilitator", teams=("Wijkteam Noord",), name="Fatima")
        server.add_user(MANAGER_EMAIL, "manager", teams=("Wijkteam Noord",), name="Mark")
        room = Room(server, server.token(FAC_EMAIL), login_cookies(server, FAC_EMAIL),
                    login_cookies(server, MANAGER_EMAIL))
        yield room
        room.close()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    yield from start_room(tmp_path_factory.mktemp("a11y"))


# --- browser contexts -------------------------------------------------------------------


def context(browser: Any, room: Room, lang: str = "nl", *, as_: str = "facilitator",
            participant: tuple[str, str] | None = None, **options: Any) -> Any:
    """A browser context with the `lang` cookie, a login (facilitator/manager/none) and
    optionally a participant's cookie (code, token)."""
    ctx = browser.new_context(**options)
    host = urlsplit(room.url).hostname
    jar = {"lang": lang}
    if as_ == "facilitator":
        jar.update(room.cookies)
    elif as_ == "manager":
        jar.update(room.manager_cookies)
    if participant is not None:
        code, token = participant
        jar["ftok_" + code] = token
    ctx.add_cookies([{"name": k, "value": v, "domain": host, "path": "/"} for k, v in jar.items()])
    return ctx


def wait_live(page: Any, title: str | None = None) -> None:
    """Wait until a live page is connected and (optionally) shows the item `title`."""
    try:
        page.wait_for_function("() => document.body.dataset.connection === 'online'",
                               timeout=20000)
        if title is not None:
            page.wait_for_function(
                "t => (document.querySelector('#activity-title')?.textContent || '') === t",
                arg=title, timeout=20000)
    except Exception as err:
        state = page.evaluate("""() => ({connection: document.body.dataset.connection,
            title: document.querySelector('#activity-title')?.textContent,
            errors: document.querySelector('#errors')?.textContent})""")
        raise AssertionError(f"{page.url} not live with {title!r}: {state}") from err
    settle(page)


def settle(page: Any, timeout: float = 20000) -> None:
    """Wait until the page shows the current state (tests/support/pages.py)."""
    settle_page(page, timeout)


# --- axe ----------------------------------------------------------------------------------

_axe = Axe()


def blocking_violations(page: Any) -> list[dict[str, Any]]:
    results = _axe.run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:8]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = node.get("failureSummary", "").replace("\n", " / ")
            if summary:
                lines.append(f"       {summary[:400]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


class Audit:
    """Collects violations over many pages, then fails once with all of them."""

    def __init__(self) -> None:
        self.found: dict[str, list[dict[str, Any]]] = {}
        self.checked: list[str] = []

    def check(self, page: Any, label: str) -> None:
        self.checked.append(label)
        violations = blocking_violations(page)
        if violations:
            self.found[label] = violations

    def assert_clean(self) -> None:
        if self.found:
            text = "\n".join(f"{label}\n{report(v)}" for label, v in self.found.items())
            pytest.fail(f"serious/critical accessibility violations:\n{text}", pytrace=False)


Builder = Callable[[Room, Workshop], None]
