"""Every control on a phone that sends text or a choice counts once (issue 13): the
controls are found on the page, not listed by hand.

A walker phone (a real Chromium page on the real server) is taken through a room: each
activity in the states that show its phone controls (others act over sockets to make
them: dilemmas to vote on, a round to choose in, feedback to reply to, an agreement to
confirm, an intervision group in its phases). In every state the walker finds each form
and button the page shows and uses it the way a hurried thumb does:

- `double`: a double click on a button or on a form's send button, as a person makes it
  (two clicks on one spot a tenth of a second apart: the first one's ack and push may
  have rebuilt or moved what is under the second);
- `offline`: two taps while the connection is down, then the connection comes back.

After each, what the server stored for the walker is counted in `events` (every action
is one row): one intent is at most one row, and a form that said "sent" is exactly one.
Every phone form in the templates (`<form data-form=…>` inside a `*-phone` template) must
have been sent at least once in both ways, so a new form can't be left out by accident.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from support import Room
from support.pages import settle_page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WAIT = 15_000
WALKER = "Walker Wandelaar-van den Berg"
DOUBLE_CLICK_GAP_MS = 120
STEPS = 60  # controls tried per state at most: every loop here ends

# The forms and buttons the phone shows now. Each gets a `data-walk` id for this scan; a
# push may rebuild them, so the walker scans again after every use.
SCAN = r"""() => {
  const body = document.querySelector("#activity-body");
  const seen = (el) => el.checkVisibility() && !el.closest("[hidden], [inert]");
  for (const old of document.querySelectorAll("[data-walk]")) delete old.dataset.walk;
  // How to find it again after a push rebuilt it: by its key where it has one.
  const find = (el) => el.dataset.key ? `[data-key="${CSS.escape(el.dataset.key)}"]`
    : el.dataset.form ? `form[data-form="${CSS.escape(el.dataset.form)}"]`
    : `[data-walk="${el.dataset.walk}"]`;
  const out = [];
  let n = 0;
  // What a person opens to see more (a folded "propose an agreement").
  for (const more of body.querySelectorAll("details:not([open])")) {
    const summary = more.querySelector(":scope > summary");
    if (summary && seen(summary)) more.open = true;
  }
  for (const form of body.querySelectorAll("form")) {
    // A form that loads a page of its own (method=post) leaves the live page: it is
    // checked on its own (test_persons: a 360 link for someone outside).
    if (!seen(form) || form.getAttribute("method") === "post") continue;
    const send = form.querySelector("button[type=submit], button:not([type])");
    if (!send || send.disabled || !seen(send)) continue;
    form.dataset.walk = String(++n);
    const name = form.dataset.form || send.textContent.trim();
    out.push({kind: "form", walk: n, name, selector: find(form)});
  }
  for (const button of body.querySelectorAll("button[type=button]")) {
    if (!seen(button) || button.disabled || button.closest("form")) continue;
    button.dataset.walk = String(++n);
    // One of each kind of control: "rate-4-cold" and "rate-7-cold" are the same control.
    const label = button.dataset.key || button.dataset.do || button.textContent.trim();
    out.push({kind: "button", walk: n, name: label.replace(/\d+/g, "#"), selector: find(button)});
  }
  return out;
}"""

# Nothing on its way: the outbox is empty and no control waits for its ack.
QUIET = """() => window.facilitatorLive.socket.connected
  && window.facilitatorLive.outbox.length === 0
  && !document.querySelector("[data-pending], [aria-busy=true]")"""

# Fills a form the way a person would: text in every text field (within its maxlength),
# a date in the future, the first real choice of every list and radio group.
FILL = """([selector, text]) => {
  const form = document.querySelector(selector);
  const fields = form.querySelectorAll("textarea, input, select");
  for (const f of fields) {
    if (!f.checkVisibility() || f.disabled) continue;
    if (f.tagName === "SELECT") {
      const option = [...f.options].find((o) => o.value && !o.disabled);
      if (option && !f.value) f.value = option.value;
    } else if (f.type === "radio") {
      if (!form.querySelector(`input[name="${f.name}"]:checked`)) f.checked = true;
    } else if (f.type === "date") {
      f.value = new Date(Date.now() + 7 * 864e5).toISOString().slice(0, 10);
    } else if (f.type === "number") {
      f.value = f.min || "1";
    } else if (f.type === "checkbox" || f.type === "hidden" || f.type === "range") {
      continue;
    } else if (!f.value) {
      f.value = text.slice(0, f.maxLength > 0 ? f.maxLength : 1000);
    }
    f.dispatchEvent(new Event("input", { bubbles: true }));
    f.dispatchEvent(new Event("change", { bubbles: true }));
  }
}"""


def phone_forms() -> set[str]:
    """Every form name inside a phone template of an activity."""
    names: set[str] = set()
    for path in (ROOT / "facilitator/templates/activities").glob("*.html"):
        for template in re.finditer(r'<template id="([\w-]+)">(.*?)</template>',
                                    path.read_text(), re.S):
            if not template.group(1).endswith(("-board", "-control", "-table")):
                names |= {name for form, name in re.findall(
                    r'(<form[^>]*data-form="(\w+)"[^>]*>)', template.group(2))
                    if 'method="post"' not in form}
    return names


class Walker:
    """The walker phone: finds, uses and counts every control in the state it is in."""

    def __init__(self, room: Room, page: Page, mode: str) -> None:
        self.room, self.page, self.mode = room, page, mode
        rows = room.server.db_rows(
            "SELECT p.id FROM participants p JOIN workshops w ON w.id = p.workshop_id "
            "WHERE w.code = ? AND p.name = ?", (room.code, WALKER))
        self.actor = f"p:{rows[0]['id']}"
        self.participant_id = rows[0]["id"]
        self.sent_forms: set[str] = set()
        self.sent_ops: set[str] = set()

    def events(self) -> list[dict[str, Any]]:
        return self.room.server.db_rows(
            "SELECT e.op FROM events e JOIN workshops w ON w.id = e.workshop_id "
            "WHERE w.code = ? AND e.actor = ? ORDER BY e.id", (self.room.code, self.actor))

    def quiet(self) -> None:
        self.page.wait_for_function(QUIET, timeout=WAIT)
        settle_page(self.page)

    def walk(self, state: str) -> None:
        """Use every control shown now once (each by its name), scanning again after each."""
        self.quiet()
        done: set[str] = set()
        for _ in range(STEPS):
            todo = [c for c in self.page.evaluate(SCAN)
                    if f"{c['kind']}:{c['name']}" not in done]
            if not todo:
                return
            control = todo[0]
            done.add(f"{control['kind']}:{control['name']}")
            self.use(control, f"{state}: {control['kind']} {control['name']}")
        raise AssertionError(f"{state}: more than {STEPS} controls")

    def use(self, control: dict[str, Any], what: str) -> None:
        before = self.events()
        target = self.page.locator(control["selector"]).first
        press = target
        if control["kind"] == "form":
            self.page.evaluate(FILL, [control["selector"],
                                      f"{what}: typed by {WALKER}, once, "
                                      "https://intranet.example.nl/werkinstructies/melden"])
            press = target.locator("button[type=submit], button:not([type])").first
        if self.mode == "double":
            # A person's double click: two clicks on one spot, a tenth of a second apart
            # (the first one's push may have rebuilt the button under the second).
            press.scroll_into_view_if_needed()
            box = press.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            self.page.mouse.move(x, y)
            self.page.mouse.down()
            self.page.mouse.up()
            self.page.wait_for_timeout(DOUBLE_CLICK_GAP_MS)
            self.page.mouse.down(click_count=2)
            self.page.mouse.up(click_count=2)
        else:
            self.page.route("**/socket.io/**", lambda route: route.abort())
            self.page.evaluate("window.facilitatorLive.socket.io.engine.close()")
            self.page.wait_for_selector("body[data-connection=offline]")
            press.click()
            if press.is_visible() and press.is_enabled():
                press.click()
            assert self.page.evaluate("window.facilitatorLive.outbox.length") <= 1, what
            self.page.unroute("**/socket.io/**")
        self.quiet()
        after = self.events()
        new = [e["op"] for e in after[len(before):]]
        assert len(new) <= 1, f"{what}: one intent stored {len(new)} times: {new}"
        if control["kind"] == "form":
            state = target.get_attribute("data-state") if target.count() else "sent"
            if state in ("refused", "failed"):
                reason = target.locator("[data-status], [role=status]").first.text_content()
                raise AssertionError(f"{what}: {state}: {reason}")
            assert len(new) == 1, f"{what}: the form said {state!r} and stored {new}"
            self.sent_forms.add(control["name"])
        self.sent_ops.update(new)


# --- the room ---------------------------------------------------------------------------

KINDS = ["dilemma_collect", "dilemma_vote", "dilemma_game", "dilemma_harvest", "feedback",
         "agreements", "intervision", "open_agreements", "feedback360"]


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def join(browser: Any, room: Room) -> Page:
    page = browser.new_context(**PHONE).new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Withdraw your dilemma?": yes
    page.goto(f"{room.server.url}/j/{room.code}")
    page.fill("#name", WALKER)
    page.click("button[type=submit]:not([name=anonymous])")
    page.wait_for_selector("body[data-connection=online]")
    return page


def intervision(room: Room, item_id: int, others: list[Any], walker: Walker) -> None:
    """One group of four: the walker first as its guide (who hands the role on and takes
    the notes), then through a whole round, in which the walker's case is chosen."""
    room.ok(room.fac, "intervision.groups_make", item_id=item_id, size=4)
    (group,) = room.fac.sync()["control"]["item"]["view"]["groups"]
    gid = group["id"]
    room.ok(room.fac, "intervision.role", group_id=gid, role="process_guide",
            participant_id=walker.participant_id)
    walker.walk("intervision, the walker guides")
    me = lambda phone: phone.sync()["me"]["view"]["group"]  # noqa: E731
    guide = next(p for p in others if me(p)["role"] == "process_guide")
    room.ok(guide, "intervision.start", group_id=gid)
    for phase in range(20):
        view = me(guide)
        if view["timer"]["state"] == "done":
            break
        walker.walk(f"intervision, phase {phase}: {view['phase_key']}")
        for phone in others:
            mine = me(phone)
            if mine["contribution"] != "none" and mine["contribution"] != "case":
                room.ok(phone, "intervision.contribute", group_id=gid,
                        text=f"{mine['phase_key']} by {phone.participant_id}")
        if view["phase_contribution"] == "case":
            cases = [c for c in me(guide)["contributions"] if c["kind"] == "case"]
            (walkers,) = [c for c in cases if WALKER in c["text"]]
            room.ok(guide, "intervision.choose_case", group_id=gid, contribution_id=walkers["id"])
        room.ok(guide, "intervision.advance", group_id=gid, from_phase=view["phase"]["index"])
    else:
        raise AssertionError("the round did not end in 20 phases")


@pytest.mark.parametrize("mode", ["double", "offline"])
def test_every_phone_control_counts_once(server: Any, facilitator_token: str, clients: Any,
                                         browser: Any, mode: str) -> None:
    room = Room(server, facilitator_token, clients=clients, title=f"Elke tik telt ({mode})",
                agenda="welcome")
    items = {kind: room.add_item(kind, kind) for kind in KINDS}
    others = [room.phone(name) for name in ("Ann", "Bram", "Chaima")]
    page = join(browser, room)
    walker = Walker(room, page, mode)

    def go(kind: str) -> None:
        room.ok(room.fac, "agenda.goto", item_id=items[kind])

    go("dilemma_collect")
    for n, other in enumerate(others):
        room.ok(other, "dilemma.submit", situation=f"Dilemma {n} of a colleague",
                options=["Wel melden", "Niet melden"], values="", show_name=True)
    walker.walk("collect")
    walker.walk("collect, own dilemma listed")
    dilemma_ids = [r["id"] for r in server.db_rows(
        "SELECT d.id FROM dilemmas d JOIN workshops w ON w.id = d.workshop_id "
        "WHERE w.code = ? ORDER BY d.id", (room.code,))]

    go("dilemma_vote")
    room.ok(room.fac, "dilemma_vote.open", item_id=items["dilemma_vote"])
    walker.walk("vote open")

    go("dilemma_game")
    room.ok(room.fac, "dilemma_game.stage", item_id=items["dilemma_game"],
            dilemma_id=dilemma_ids[0], mode="choice")
    walker.walk("game round")

    go("dilemma_harvest")
    walker.walk("harvest")

    go("feedback")
    room.ok(others[0], "feedback.give", to_id=walker.participant_id,
            behaviour="Je vatte het gesprek samen", effect="Iedereen wist waar we stonden",
            wish="Doe dat vaker")
    walker.walk("feedback")

    go("agreements")
    for what in ("We bellen terug binnen een dag", "We sluiten elk overleg af met een actiepunt"):
        room.ok(others[1], "agreements.propose", owner_id=others[1].participant_id, what=what,
                with_ids=[walker.participant_id], check_how="", manager_visible=True,
                due_date=(date.today() + timedelta(days=7)).isoformat())
    walker.walk("agreements, two to answer")

    go("feedback360")
    walker.walk("360: ask a colleague")

    go("intervision")
    intervision(room, items["intervision"], others, walker)

    page.context.close()
    missing = phone_forms() - walker.sent_forms
    assert not missing, f"phone forms no state here shows: {missing}"
    # Forms and buttons the modules build (no template names them): a reply to
    # feedback, a decline with its reason, a confirmation, a vote, a choice.
    assert {"feedback.reply", "agreements.decline", "agreements.confirm", "dilemma_vote.add",
            "dilemma_game.choose", "dilemma.withdraw"} <= walker.sent_ops, walker.sent_ops
