"""The board is read from the back of the room (issue 14).

One workshop at the volume of the issue's point 1 (60 participants, 40 dilemmas of which
5 have 1,000 characters and 3 four options, 30 arguments per option, 8 intervision groups
with long method and phase names, 40 agreements, 30 needs and recommendations, 25 pieces of
team feedback, long names and titles), built through the real server, once in Dutch and
once in English. Bulk rows go straight into the server's SQLite file (as the issue allows);
every state change is a real action. For every activity and state, every page of it, at
1920×1080 and 1024×768, every visible text node on the board is walked: its computed font
size must be at least 2.6 % of the viewport height, its boxes inside the viewport and inside
every clipping ancestor, no two texts overlapping, and the document must not scroll.

Then the spotlight, paging (by hand and at a pace) and the join slide are driven from the
control page's buttons, the closing slide is checked after the end, and phones are shown to
get none of the board's own state. Makes the README's board screenshots (board-*.png).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from support import Room, Server, board_token, login_cookies, screenshot
from support.pages import settle_page

pytestmark = pytest.mark.browser

SIZES = {"16x9": (1920, 1080), "4x3": (1024, 768)}
LANGS = ("nl", "en")
FAC = "fac@example.nl"
# The README's board screenshots: state -> file name (board-NAME-16x9.png, -4x3.png).
SHOTS = {"collect: the texts": "collect", "vote: the ranking": "vote",
         "game: the split": "game-split", "game: the shift and the arguments": "game",
         "intervision: eight groups": "intervision", "harvest": "harvest"}
LIMIT = 0.026  # of the viewport height: 28 px at 1080, 20 px at 768

TITLE = {"nl": "Werkconferentie Wijkteams Noord en Oost: dilemma's uit de praktijk van zorg",
         "en": "Work conference of the North and East neighbourhood teams: dilemmas from care"}
STEP_TITLE = "Stap met een lange titel die de facilitator zelf zo heeft genoemd voor vandaag"
NAMES = ["Anna-Maria van der Heijden-Brouwer", "Mohammed El Idrissi", "Sanne de Vries",
         "Johannes Wilhelmus van Oldenbarnevelt", "Fatima Zahra Bouchikhi", "Kees Jansen"]
SENTENCE = ("Een cliënt met een licht verstandelijke beperking wil zelfstandig blijven wonen, "
            "maar de buren melden dat de woning vervuilt en er schulden zijn; de familie wil "
            "dat we ingrijpen en de huisarts twijfelt. ")


def text(n: int, seed: int = 0) -> str:
    """A realistic text of exactly n characters (n ≥ 10)."""
    body = (f"[{seed}] " + SENTENCE * (n // len(SENTENCE) + 2))[:n]
    return body.rstrip() + "." * (n - len(body.rstrip()))


# --- the walk -------------------------------------------------------------------------------

WALK = """(limit) => {
  const H = innerHeight, W = innerWidth, min = limit * H, bad = [];
  const boxes = [];
  const clipped = (el, r) => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const c = a.getBoundingClientRect();
      if (r.left < c.left - 1 || r.right > c.right + 1 ||
          r.top < c.top - 1 || r.bottom > c.bottom + 1) return a.className || a.tagName;
    }
    return null;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node, texts = 0;
  while ((node = walker.nextNode())) {
    const value = node.textContent.trim();
    if (!value) continue;
    const el = node.parentElement;
    // The skip link shows only on keyboard focus; what a slide covers is inert.
    if (el.closest('template, script, style, .skip, [inert]')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    if (!rects.length) continue;  // not rendered (display: none, hidden)
    texts++;
    const what = value.slice(0, 50);
    const size = parseFloat(style.fontSize);
    if (size < min - 0.01) bad.push(`small ${size.toFixed(1)}px < ${min.toFixed(1)}px: "${what}"`);
    for (const r of rects) {
      if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
        bad.push(`outside the screen (${[r.left, r.top, r.right, r.bottom].map(Math.round)}):`
                 + ` "${what}"`);
      const by = clipped(el, r);
      if (by) bad.push(`clipped by ${by}: "${what}"`);
      // Not covered by something drawn over it (the foot, a slide, a neighbour).
      const x = Math.min(Math.max((r.left + r.right) / 2, 0), W - 1);
      const y = Math.min(Math.max((r.top + r.bottom) / 2, 0), H - 1);
      const hit = document.elementFromPoint(x, y);
      if (hit && !el.contains(hit) && !hit.contains(el))
        bad.push(`covered by ${hit.className || hit.tagName}: "${what}"`);
      boxes.push({ r, el, what });
    }
  }
  for (const img of document.querySelectorAll('img')) {
    if (img.closest('[inert], [hidden]')) continue;
    const r = img.getBoundingClientRect();
    if (!r.width) continue;
    if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
      bad.push(`image outside the screen: ${img.className}`);
    boxes.push({ r, el: img, what: `<img ${img.className}>` });
  }
  // Two texts (or a text and an image) of different elements must not cover each other.
  // A text's box is its font's whole content area; its glyphs stay inside the middle
  // 80 %, so that much is compared (tight line heights touch, they don't overlap).
  const core = (r) => ({ left: r.left + 1, right: r.right - 1,
                         top: r.top + 0.1 * r.height, bottom: r.bottom - 0.1 * r.height });
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const p = core(a.r), q = core(b.r);
      if (p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom)
        bad.push(`overlap: "${a.what}" and "${b.what}"`);
    }
  }
  const doc = document.scrollingElement;
  if (doc.scrollHeight > H + 1) bad.push(`scrolls: ${doc.scrollHeight}px tall on ${H}`);
  if (doc.scrollWidth > W + 1) bad.push(`scrolls sideways: ${doc.scrollWidth}px on ${W}`);
  return { bad: [...new Set(bad)].slice(0, 12), texts };
}"""


def walk(page: Any, label: str) -> int:
    """Every visible text on `page` legible and on screen; returns how many were walked."""
    found = page.evaluate(WALK, LIMIT)
    assert not found["bad"], f"{label}: " + "\n  ".join(found["bad"])
    assert found["texts"] >= 2, f"{label}: nothing walked"
    return found["texts"]


# --- the workshop of point 1 ----------------------------------------------------------------


class Conference:
    """One workshop of the issue's volume, its facilitator socket and direct SQLite access
    for the bulk rows."""

    KINDS = ("welcome", "dilemma_collect", "dilemma_sort", "dilemma_vote", "dilemma_game",
             "dilemma_game", "dilemma_harvest", "intervision", "feedback", "agreements",
             "open_agreements")

    def __init__(self, server: Server, token: str, cookie: str, lang: str, team: int):
        self.server = server
        self.lang = lang
        self.room = Room(server, token, cookie, title=TITLE[lang], language=lang, team_id=team)
        self.fac = self.room.fac
        self.wid = self.room.workshop_id()
        self.first = self.fac.sync()["control"]["agenda"][0]["id"]
        self.items: dict[str, list[int]] = {}
        for kind in self.KINDS:
            item = self.ok("agenda.add", kind=kind, title=STEP_TITLE)["item_id"]
            self.items.setdefault(kind, []).append(item)
        joined = [server.join(self.room.code, NAMES[n % len(NAMES)] + (f" {n}" if n else ""))
                  for n in range(60)]
        self.people = [j["participant_id"] for j in joined]
        self.phone_token = joined[0]["token"]
        self.dilemmas = self._dilemmas()

    def ok(self, op: str, **data: Any) -> dict[str, Any]:
        return self.room.ok(self.fac, op, **data)["result"]

    def sql(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        conn = sqlite3.connect(self.server.data_dir / "facilitator.db", timeout=30)
        try:
            with conn:
                for sql, params in statements:
                    conn.execute(sql, params)
        finally:
            conn.close()

    def goto(self, kind: str, n: int = 0) -> int:
        item = self.items[kind][n]
        self.ok("agenda.goto", item_id=item)
        return item

    def _dilemmas(self) -> list[int]:
        now = "2026-03-12T09:00:00.000Z"
        rows = []
        for i in range(40):
            long = i in (3, 11, 19, 27, 35)
            four = i in (3, 12, 20)
            situation = text(1000 if long else 120 + 9 * i, i)
            options = ([text(200, 100 + k) for k in range(4)] if four
                       else [text(40 + i, 200 + i), text(90, 300 + i)])
            author = NAMES[i % len(NAMES)] if i % 4 == 0 else None
            rows.append(("INSERT INTO dilemmas (workshop_id, author_name, situation, options,"
                         " dilemma_values, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?,"
                         " 'phone', ?, ?)",
                         (self.wid, author, situation, json.dumps(options),
                          text(300, 400 + i) if i % 5 == 0 else None, now, now)))
        self.sql(rows)
        return [r["id"] for r in self.server.db_rows(
            "SELECT id FROM dilemmas WHERE workshop_id = ? ORDER BY id", (self.wid,))]

    # --- states, in agenda order; each yields the board's states to walk ----------------------

    def welcome(self) -> Iterator[str]:
        item = self.goto("welcome")
        self.ok("welcome.set_text", item_id=item,
                text="\n".join(text(190, k) for k in range(10)))  # 2,000 characters
        yield "welcome"

    def collect(self) -> Iterator[str]:
        item = self.goto("dilemma_collect")
        self.ok("dilemma_collect.settings", item_id=item, open=True, show_texts=False,
                approval=False)
        yield "collect: the count"
        self.ok("dilemma_collect.settings", item_id=item, open=True, show_texts=True,
                approval=False)
        yield "collect: the texts"

    def sort(self) -> Iterator[str]:
        self.goto("dilemma_sort")
        themes = [self.ok("dilemma.theme_add", name=name)["theme_id"] for name in (
            "Zelfbeschikking tegenover veiligheid in de thuissituatie van de cliënt",
            "Samenwerking met ketenpartners", "Regels en ruimte")]
        self.sql([("UPDATE dilemmas SET theme_id = ?, category = ? WHERE id = ?",
                   (themes[i % 3] if i % 7 else None,
                    ("content", "organisational", None)[i % 3], d))
                  for i, d in enumerate(self.dilemmas)])
        self.ok("dilemma.merge", dilemma_id=self.dilemmas[39], into_id=self.dilemmas[0])
        yield "sort"

    def vote(self) -> Iterator[str]:
        item = self.goto("dilemma_vote")
        self.ok("dilemma_vote.open", item_id=item)
        self.sql([("INSERT INTO dilemma_votes (item_id, participant_id, dilemma_id, dots)"
                   " VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET dots = dots + 1",
                   (item, p, self.dilemmas[(n % (3 + 4 * k)) + k], 1))
                  for n, p in enumerate(self.people) for k in range(3)])
        self.ok("dilemma_vote.close", item_id=item)
        yield "vote: counting"
        self.ok("dilemma_vote.reveal", item_id=item)
        yield "vote: the ranking"

    def _choose(self, item: int, values: Callable[[int], tuple[Any, Any]]) -> None:
        rnd = self.server.db_rows("SELECT id FROM dilemma_rounds WHERE item_id = ?"
                                  " ORDER BY id DESC LIMIT 1", (item,))[0]["id"]
        self.sql([("INSERT INTO dilemma_choices (round_id, participant_id, option, value)"
                   " VALUES (?, ?, ?, ?)", (rnd, p, *values(n)))
                  for n, p in enumerate(self.people)])

    def game(self) -> Iterator[str]:
        item = self.goto("dilemma_game")
        # The longest dilemma with four options of 200 characters.
        self.ok("dilemma_game.stage", item_id=item, dilemma_id=self.dilemmas[3], mode="choice")
        self._choose(item, lambda n: ((0, 0, 1, 2, 0, 3, 1)[n % 7], None))
        self.ok("agenda.goto", item_id=item)  # a fresh count on every screen
        yield "game: choosing"
        self.ok("dilemma_game.reveal", item_id=item)
        yield "game: the split"
        self.sql([("INSERT INTO dilemma_arguments (workshop_id, dilemma_id, participant_id,"
                   " option, text, created_at) VALUES (?, ?, ?, ?, ?, '2026-03-12T10:00:00Z')",
                   (self.wid, self.dilemmas[3], self.people[k], option, text(280, k)))
                  for option in range(4) for k in range(30)])
        self.ok("dilemma_game.revote", item_id=item)
        self._choose(item, lambda n: ((n + (n % 3 == 0)) % 4, None))
        self.ok("dilemma_game.reveal", item_id=item)
        yield "game: the shift and the arguments"
        slider = self.goto("dilemma_game", 1)
        self.ok("dilemma_game.stage", item_id=slider, dilemma_id=self.dilemmas[11],
                mode="slider")
        self._choose(slider, lambda n: (None, min(100, (n * 37) % 71 + n % 30)))
        self.ok("dilemma_game.reveal", item_id=slider)
        yield "game: the slider histogram"

    def harvest(self) -> Iterator[str]:
        self.goto("dilemma_harvest")
        played = [self.dilemmas[3], self.dilemmas[11]]
        at = "2026-03-12T11:00:00Z"
        self.sql([("INSERT INTO dilemma_needs (workshop_id, dilemma_id, participant_id, text,"
                   " created_at) VALUES (?, ?, ?, ?, ?)",
                   (self.wid, played[k % 2], self.people[k], text(500 if k % 5 == 0 else 160, k),
                    at)) for k in range(30)]
                 + [("INSERT INTO dilemma_recommendations (workshop_id, dilemma_id, text,"
                     " created_at) VALUES (?, ?, ?, ?)",
                     (self.wid, played[k % 2], text(1000 if k % 6 == 0 else 200, 50 + k), at))
                    for k in range(30)])
        self.ok("dilemma_harvest.notes", dilemma_id=played[0], text=text(4000, 7))
        yield "harvest"
        self.ok("board.notes", show=True)
        yield "harvest: with the notes"
        self.ok("board.notes", show=False)

    def intervision(self) -> Iterator[str]:
        item = self.goto("intervision")
        self.ok("intervision.method_use", item_id=item, method="aggression_incident")
        control = self.fac.sync()["control"]["item"]["view"]
        steps = [{"key": p["key"], "minutes": p["minutes"],
                  "title": ("Wensen vanuit drie invalshoeken: eigen rol, team en organisatie, "
                            "met voorbeelden uit de eigen praktijk van vandaag")}
                 for p in control["method"]["phases"]]
        self.ok("intervision.method_adjust", item_id=item, steps=steps)
        self.ok("intervision.groups_make", item_id=item, size=8)
        yield "intervision: eight groups"

    def feedback(self) -> Iterator[str]:
        item = self.goto("feedback")
        yield "feedback: the 4G shape"
        self.sql([("INSERT INTO feedback (workshop_id, item_id, author_id, behaviour, feeling,"
                   " effect, wish, shown, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                   (self.wid, item, self.people[k], text(500, k), text(200 + k, k),
                    text(400, k + 1), text(300, k + 2), "2026-03-12T12:00:00Z"))
                  for k in range(25)])
        self.ok("board.page", page=1)  # any action: the board is recomputed after it
        yield "feedback: the team's"

    def agreements(self) -> Iterator[str]:
        item = self.goto("agreements")
        add_agreements(self, self.wid, item, "proposed")
        self.ok("board.page", page=1)
        yield "agreements"

    def open_agreements(self) -> Iterator[str]:
        self.goto("open_agreements")
        yield "open agreements"

    def states(self) -> Iterator[str]:
        for part in (self.welcome, self.collect, self.sort, self.vote, self.game, self.harvest,
                     self.intervision, self.feedback, self.agreements, self.open_agreements):
            yield from part()
        self.built = True

    built = False

    def build(self) -> None:
        """Every state driven once (for a test that runs without the walk before it)."""
        if not self.built:
            for _ in self.states():
                pass


def add_agreements(conf: Conference, wid: int, item: int | None, status: str) -> None:
    due = (date.today() + timedelta(days=30)).isoformat()
    conn = sqlite3.connect(conf.server.data_dir / "facilitator.db", timeout=30)
    team = conn.execute("SELECT team_id FROM workshops WHERE id = ?", (wid,)).fetchone()[0]
    try:
        with conn:
            for k in range(40):
                cur = conn.execute(
                    "INSERT INTO agreements (workshop_id, team_id, item_id, owner_name, what,"
                    " due_date, check_how, status, created_at, updated_at) VALUES"
                    " (?, ?, ?, ?, ?, ?, ?, ?, '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z')",
                    (wid, team, item, NAMES[k % len(NAMES)], text(300 if k % 4 else 500, k),
                     due, text(200, k), status))
                for n, pid in enumerate(conf.people[k % 50:k % 50 + 3]):
                    conn.execute("INSERT INTO agreement_people (agreement_id, participant_id,"
                                 " name, role) VALUES (?, ?, ?, ?)",
                                 (cur.lastrowid, pid, NAMES[(k + n) % len(NAMES)],
                                  "owner" if n == 0 else "with"))
    finally:
        conn.close()


# --- fixtures: one server, one workshop per language, one board page per size and language ---


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


@pytest.fixture(scope="module")
def conferences(server: Server) -> dict[str, Conference]:
    server.add_user(FAC, "facilitator", teams=("Wijkteam Noord",), name="Fatima")
    token = server.token(FAC)
    cookies = login_cookies(server, FAC)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    team = server.db_rows("SELECT id FROM teams WHERE name = 'Wijkteam Noord'")[0]["id"]
    out = {lang: Conference(server, token, cookie, lang, team) for lang in LANGS}
    # An earlier session of the same team whose 40 agreements both review.
    earlier = Room(server, token, cookie, title="Eerdere teamsessie", team_id=team)
    add_agreements(out["nl"], earlier.workshop_id(), None, "agreed")
    conn = sqlite3.connect(server.data_dir / "facilitator.db")
    with conn:  # the earlier session came first
        conn.execute("UPDATE workshops SET created_at = '2026-01-01T09:00:00Z' WHERE id = ?",
                     (earlier.workshop_id(),))
    conn.close()
    out["cookies"] = cookies  # type: ignore[assignment]
    return out


@pytest.fixture(scope="module")
def boards(browser: Any, server: Server, conferences: dict[str, Any]) -> Iterator[dict]:
    """A board page per (language, size), each in its own browser context."""
    contexts, pages = [], {}
    for lang in LANGS:
        ws = conferences[lang].room.ws
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height})
            contexts.append(context)
            page = context.new_page()
            page.goto(server.url + f"/board/{board_token(ws)}")
            page.wait_for_function("() => document.body.dataset.connection === 'online'")
            pages[(lang, size)] = page
    yield pages
    for context in contexts:
        context.close()


def paging_of(page: Any) -> tuple[int, int]:
    view = page.evaluate("""async () => {
      const live = window.facilitatorLive;
      const reply = await new Promise((r) => live.socket.emit("sync", { seq: 0 }, r));
      const item = reply.board.item;
      const p = item && item.view && item.view.paging;
      return p ? [p.page, p.pages] : [1, 1];
    }""")
    return view[0], view[1]


def shows_page(page: Any, number: int, pages: int) -> None:
    settle_page(page)
    if pages > 1:
        paged(page, f"{number} / {pages}")


def paged(board: Any, line: str, timeout: float = 10000) -> None:
    board.wait_for_function("(want) => document.querySelector('#board-paging').textContent"
                            " === want", arg=line, timeout=timeout)


# --- 1. legible at any volume -----------------------------------------------------------------


def test_every_board_screen_is_legible_at_both_sizes_and_languages(
        conferences: dict[str, Any], boards: dict[Any, Any]) -> None:
    walked = 0
    for lang in LANGS:
        conf = conferences[lang]
        pages = {size: boards[(lang, size)] for size in SIZES}
        # The start: the join slide on the first item.
        conf.ok("agenda.goto", item_id=conf.first)
        conf.ok("timer.start", seconds=1500)
        for size, page in pages.items():
            settle_page(page)
            page.wait_for_selector("#join-slide:not([hidden])")
            walked += walk(page, f"{lang} {size} join slide at the start")
            qr = page.locator(".join-slide-qr").bounding_box()
            assert qr and qr["height"] >= 0.4 * SIZES[size][1], f"QR {qr} at {size}"
            if lang == "nl":
                screenshot(page, f"board-join-{size}")
        for state in conf.states():
            conf.ok("timer.start", seconds=1500)  # moving the agenda stops the timer
            first = boards[(lang, "4x3")]
            settle_page(first)
            number, count = paging_of(first)
            for turn in range(1, count + 1):
                if count > 1:
                    conf.ok("board.page", page=turn)
                for size, page in pages.items():
                    shows_page(page, turn, count)
                    assert page.locator("#timer").is_visible(), f"{state}: no timer"
                    walked += walk(page, f"{lang} {size} {state}, page {turn} of {count}")
                    if lang == "nl" and turn == min(2, count) and state in SHOTS:
                        screenshot(page, f"board-{SHOTS[state]}-{size}")
            if count > 1:
                conf.ok("board.page", page=1)
        # Every kind of spotlight, the longest texts.
        conf.goto("dilemma_collect")
        spots = [("dilemma", conf.dilemmas[3])]
        game = conf.goto("dilemma_game")
        argument = conf.server.db_rows(
            "SELECT id FROM dilemma_arguments WHERE workshop_id = ? ORDER BY id LIMIT 1",
            (conf.wid,))[0]["id"]
        for kind, target in [*spots, ("argument", argument)]:
            if kind == "dilemma":
                conf.goto("dilemma_collect")
            else:
                conf.ok("agenda.goto", item_id=game)
            walked += spotlight(conf, pages, kind, target)
        conf.goto("dilemma_harvest")
        for kind, table in (("need", "dilemma_needs"), ("recommendation",
                                                        "dilemma_recommendations")):
            target = conf.server.db_rows(f"SELECT id FROM {table} WHERE workshop_id = ?"
                                         " ORDER BY length(text) DESC LIMIT 1", (conf.wid,))
            walked += spotlight(conf, pages, kind, target[0]["id"])
        conf.goto("feedback")
        target = conf.server.db_rows("SELECT id FROM feedback WHERE workshop_id = ? LIMIT 1",
                                     (conf.wid,))[0]["id"]
        walked += spotlight(conf, pages, "feedback", target)
        conf.goto("agreements")
        target = conf.server.db_rows("SELECT id FROM agreements WHERE workshop_id = ?"
                                     " ORDER BY length(what) DESC LIMIT 1", (conf.wid,))[0]["id"]
        walked += spotlight(conf, pages, "agreement", target)
    assert walked > 1000  # the walk saw the screens, not an empty page


def spotlight(conf: Conference, pages: dict[str, Any], kind: str, target: int) -> int:
    conf.ok("board.spotlight", kind=kind, id=target)
    conf.ok("timer.start", seconds=1500)  # the timer stays in its place over a slide
    walked = 0
    for size, page in pages.items():
        settle_page(page)
        page.wait_for_selector(f"#spotlight[data-kind={kind}]:not([hidden])")
        assert page.locator("#timer").is_visible()
        walked += walk(page, f"{conf.lang} {size} spotlight on a {kind}")
        if conf.lang == "nl" and kind == "dilemma":
            screenshot(page, f"board-spotlight-{size}")
    conf.ok("board.unspotlight")
    return walked


# --- 2, 3, 6: spotlight, paging and the join slide driven from the control page -------------


@pytest.fixture(scope="module")
def control(browser: Any, server: Server, conferences: dict[str, Any]) -> Iterator[Any]:
    """The nl workshop's control page on a laptop, logged in."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    host = server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": k, "value": v, "domain": host, "path": "/"}
                         for k, v in {**conferences["cookies"], "lang": "nl"}.items()])
    page = context.new_page()
    page.goto(server.url + f"/w/{conferences['nl'].room.code}/control")
    page.wait_for_function("() => document.body.dataset.connection === 'online'")
    yield page
    context.close()


def board_now(control: Any) -> str:
    return control.inner_text("#board-controls [data-field=now]")


def test_spotlight_paging_join_slide_and_notes_from_the_control_page(
        conferences: dict[str, Any], boards: dict[Any, Any], control: Any) -> None:
    conf = conferences["nl"]
    conf.build()
    board = boards[("nl", "4x3")]
    conf.goto("dilemma_collect")
    settle_page(control)
    settle_page(board)
    # The spotlight: the button next to the longest dilemma puts its whole text up.
    longest = conf.dilemmas[3]
    whole = conf.server.db_rows("SELECT situation FROM dilemmas WHERE id = ?",
                                (longest,))[0]["situation"]
    control.click(f"[data-spot='dilemma:{longest}']")
    board.wait_for_selector("#spotlight[data-kind=dilemma]:not([hidden])")
    assert board.inner_text("#spotlight .spotlight-text") == whole  # whole, not shortened
    assert board.locator("#board-main").evaluate("n => n.inert")
    control.wait_for_selector(f"[data-spot='dilemma:{longest}'][aria-pressed=true]")
    assert "Dilemma" in board_now(control)
    walk(board, "spotlight put up from the control page")
    control.click("#board-controls [data-do=unspotlight]")
    board.wait_for_selector("#spotlight", state="hidden")
    # Paging by hand: the facilitator's next and previous.
    _, pages = paging_of(board)
    assert pages == 13  # 39 dilemmas (one merged), three a page
    paged(board, "1 / 13")
    first_page = board.inner_text("#activity-body")
    control.click("#board-controls [data-do=next]")
    paged(board, "2 / 13")
    assert board.inner_text("#activity-body") != first_page
    control.wait_for_selector("#board-controls [data-field=page]:text-is('2 / 13')")
    assert "pagina 2 van 13" in board_now(control)
    control.click("#board-controls [data-do=prev]")
    paged(board, "1 / 13")
    # At a pace: the board turns the page by itself (and the control page follows).
    control.select_option("#board-pace", "10")
    paged(board, "2 / 13", timeout=30000)
    control.wait_for_selector("#board-controls [data-field=page]:text-is('2 / 13')", timeout=30000)
    control.select_option("#board-pace", "0")
    control.wait_for_function("() => document.querySelector('#board-pace').value === '0'")
    # The join slide on call, and off again.
    control.click("#board-controls [data-do=join]")
    board.wait_for_selector("#join-slide:not([hidden])")
    assert board.inner_text(".join-slide-code") == conf.room.code
    control.wait_for_selector("#board-controls [data-do=join][aria-pressed=true]")
    walk(board, "join slide called up")
    control.click("#board-controls [data-do=join]")
    board.wait_for_selector("#join-slide", state="hidden")
    assert board.locator(".join-code").is_visible()  # the small code in the corner
    # The harvest notes only when the facilitator chooses.
    conf.goto("dilemma_harvest")
    settle_page(board)
    board.wait_for_selector(".harvest")
    assert board.locator(".harvest-notes").count() == 0
    control.check("#board-controls [name=notes]")
    board.wait_for_selector(".harvest-notes")
    control.uncheck("#board-controls [name=notes]")
    board.wait_for_selector(".harvest-notes", state="detached")


def test_phones_get_none_of_the_boards_own_state(conferences: dict[str, Any]) -> None:
    from support import Client, settle

    conf = conferences["nl"]
    conf.build()
    conf.goto("dilemma_collect")
    phone = Client(conf.server.url, {"kind": "participant", "code": conf.room.code,
                                      "token": conf.phone_token})
    board = conf.room.board()
    try:
        conf.ok("board.page", page=3)
        ack = conf.room.ok(conf.fac, "board.spotlight", kind="dilemma", id=conf.dilemmas[3])
        settle(conf.fac, ack["seq"], phone, board)
        assert board.views["board"]["board"]["spotlight"]["id"] == conf.dilemmas[3]
        assert board.views["board"]["item"]["view"]["paging"]["page"] == 3
        raw = phone.raw() + json.dumps(phone.sync(), ensure_ascii=False)
        assert "spotlight" not in raw and "paging" not in raw and '"board"' not in raw
    finally:
        conf.ok("board.unspotlight")
        conf.ok("board.page", page=1)
        phone.close()
        board.close()


# --- 7: after the end ---------------------------------------------------------------------------


def test_closing_slide_after_the_end(conferences: dict[str, Any], boards: dict[Any, Any]) -> None:
    conf = conferences["en"]
    conf.ok("board.join", show=True)  # even a join slide that was up gives way
    conf.ok("workshop.close")
    for size in SIZES:
        page = boards[("en", size)]
        page.wait_for_selector("#closed:not([hidden])")
        assert page.inner_text(".closing-people") == "60 people took part"
        assert not page.locator("#join-slide").is_visible()
        assert not page.locator(".join-code").is_visible()
        walk(page, f"closing slide at {size}")
        screenshot(page, f"board-closing-{size}")
