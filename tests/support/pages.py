"""Browser pages: wait until a live page shows the state the server has, not a while."""

from __future__ import annotations

from typing import Any

# Ask the server what this screen should show now, have the page sync as it does on
# wake-up (a push that is deduplicated carries no newer seq, so a seq alone cannot be
# waited for), then wait until the page shows it: nothing waits in its outbox and the
# stage shows that item (module loaded and mounted). No fixed sleep.
_EXPECTED = """async () => {
  const live = window.facilitatorLive;
  if (!live || !live.socket.connected) return null;
  const reply = await new Promise((resolve) => live.socket.emit("sync", { seq: 0 }, resolve));
  if (!reply || !reply.ok) return null;
  await live.sync();
  const view = reply.board || reply.control || reply.phone || null;
  // Only an open workshop's screens show its item; a draft or closed one says so instead.
  const open = !!view && !!view.workshop && view.workshop.status === "open";
  const item = open && view.item;
  return { item: item ? { kind: item.kind, title: item.title } : null };
}"""
_SHOWN = """(want) => {
  if (window.facilitatorLive.outbox.length) return false;
  if (!want.item) return true;
  const title = document.querySelector("#activity-title");
  const body = document.querySelector("#activity-body");
  return !!title && title.textContent === want.item.title
    && !!body && body.dataset.kind === want.item.kind;
}"""


def settle_page(page: Any, timeout: float = 20000) -> None:
    """Wait until the page shows the current state (see _EXPECTED), then two frames."""
    want = page.evaluate(_EXPECTED)
    if want is not None:
        page.wait_for_function(_SHOWN, arg=want, timeout=timeout)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def control_page(browser: Any, server: Any, control_url: str, email: str = "fac@example.nl",
                 viewport: dict[str, int] | None = None, frames: list[Any] | None = None) -> Any:
    """A facilitator logged in through the login form, on a workshop's control page.
    `frames`: every WebSocket frame the page receives is appended to it."""
    from support.server import PASSWORD

    page = browser.new_context(viewport=viewport or {"width": 1366, "height": 768}).new_page()
    page.goto(server.url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    if frames is not None:
        page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(f)))
    page.goto(control_url)
    return page
