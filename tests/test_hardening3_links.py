"""Issue 12, items 18 and 17: links and QR codes carry the server's own address, never
the request's Host header; board and table links can be renewed, and a closed
workshop's board and table screens show no names."""

from __future__ import annotations

import requests
from support.server import Server


def test_links_and_qr_codes_never_follow_the_host_header(server: Server,
                                                         facilitator_token: str) -> None:
    workshop = server.create_workshop(facilitator_token)
    code = workshop["code"]
    own = f"http://127.0.0.1:{server.port}"
    assert workshop["join_url"] == f"{own}/j/{code}"
    evil = {"Host": "evil.example"}
    api = requests.get(f"{server.url}/api/v1/workshops/{code}", timeout=10,
                       headers={**evil, "Authorization": f"Bearer {facilitator_token}"})
    assert api.status_code == 200
    for key in ("join_url", "board_url", "control_url"):
        assert api.json()[key].startswith(own + "/"), (key, api.json()[key])
    board_path = workshop["board_url"][len(own):]
    board = requests.get(server.url + board_path, headers=evil, timeout=10)
    assert board.status_code == 200
    assert f"{own}/j/{code}" in board.text and "evil.example" not in board.text
    # The QR code is the same picture whatever Host the request names.
    plain = requests.get(f"{server.url}/w/{code}/qr.svg", timeout=10)
    forged = requests.get(f"{server.url}/w/{code}/qr.svg", headers=evil, timeout=10)
    assert plain.status_code == forged.status_code == 200
    assert forged.content == plain.content
    other = requests.get(f"{server.url}/w/{code}/qr.svg", timeout=10,
                         headers={"Host": f"127.0.0.1:{server.port + 1}"})
    assert other.content == plain.content

