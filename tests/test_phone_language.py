"""A phone speaks its own language (issue 16, point 5): its pushes and its sync come in the
language it chose, the other phones' in the room's, and each screen's last push equals its
fresh sync (the Room checks it after every action) across the switch. Real server,
Socket.IO clients."""

from __future__ import annotations

from typing import Any

import pytest
from intervision_support import Room

from facilitator.activities.intervision import methods


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


def room_app(server: Any) -> Any:
    server.store()  # makes the server's app in-process (support/server.py)
    return server._app


def _method_title(client: Any) -> str:
    return client.views["me"]["view"]["group"]["method"]


def test_a_phone_that_chose_english_gets_its_pushes_in_english(
        server: Any, module_facilitator_token: str, clients: Any) -> None:
    room = Room(server, module_facilitator_token, clients, people=6)
    english, dutch = list(room.phones.values())[:2]
    room.ok(english, "participant.language", language="en")
    room.make_groups(size=3)
    for group in room.groups():
        room.ok(room.phones[room.guide_of(group)], "intervision.start", group_id=group["id"])
    english_title, dutch_title = _method_title(english), _method_title(dutch)
    assert english_title != dutch_title
    method = next(m for m in methods.library().values()
                  if methods.text(m["title"], "nl") == dutch_title)
    assert english_title == methods.text(method["title"], "en")
    assert english.sync()["me"]["view"]["group"]["method"] == english_title
    # The agenda's ready-made title too (the room's is stored in Dutch).
    titles = {c: c.views["phone"]["item"]["title"] for c in (english, dutch)}
    stored = server.db_rows("SELECT title FROM agenda_items WHERE id = ?",
                            (room.item_id,))[0]["title"]
    assert titles[dutch] == stored and titles[english] != stored
    from flask_babel import force_locale

    from facilitator.room.agenda import default_titles
    with room_app(server).test_request_context():
        with force_locale("nl"):
            lazy = next(t for k, t in default_titles() if k == "intervision" and str(t) == stored)
        with force_locale("en"):
            assert titles[english] == str(lazy)

    # Bad input changes nothing; choosing the room's language again follows the room.
    room.refused(english, "participant.language", "invalid", language="fr")
    assert server.db_rows("SELECT language FROM participants WHERE id = ?",
                          (english.participant_id,))[0]["language"] == "en"
    room.ok(english, "participant.language", language="nl")
    assert _method_title(english) == dutch_title
    assert server.db_rows("SELECT language FROM participants WHERE id = ?",
                          (english.participant_id,))[0]["language"] is None
