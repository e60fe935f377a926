"""The sender is never offered their own name as a feedback recipient (issue 18: it was
offered, and refused only after sending). Real server, Chromium phones at 360 px, in a
room of 60 with long names."""

from __future__ import annotations

from typing import Any

import pytest
from support import Room

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def _names(page: Any) -> list[str]:
    return page.locator("#fb-to option").all_text_contents()


def test_the_sender_is_not_offered_their_own_name(server: Any, facilitator_token: str,
                                                   clients: Any, browser: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Teamdag aanspreken",
                agenda="welcome")
    item = room.add_item("feedback", "Aanspreken")
    for n in range(57):
        server.join(room.code, f"Annemarie van den Berg-Oudshoorn {n}")
    names = ["Bram Jansen", "Chantal de Wit-Vermeulen", "Dirk van der Linden"]
    phones = []
    for name in names:
        page = browser.new_context(**PHONE).new_page()
        page.goto(room.ws["join_url"])
        page.fill("#name", name)
        page.click("text=Meedoen met mijn naam")
        page.wait_for_selector(f"#me:has-text('{name.split()[0]}')")
        phones.append(page)
    # The room moves to feedback while the phones are on: the first view of the item may
    # come before the phone's own part.
    room.ok(room.fac, "agenda.goto", item_id=item)
    for page, name in zip(phones, names, strict=True):
        page.wait_for_function("() => document.querySelectorAll('#fb-to option').length >= 60")
        offered = _names(page)
        assert name not in offered, (name, offered[:5])
        assert all(other in offered for other in names if other != name)
        # After a reload, and when choosing again (the list is refreshed on focus).
        page.reload()
        page.wait_for_function("() => document.querySelectorAll('#fb-to option').length >= 60")
        page.focus("#fb-to")
        assert name not in _names(page)
    for page in phones:
        page.context.close()
