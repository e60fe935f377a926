"""Serving: what `python run.py` does once the async mode is patched in.

run.py patches eventlet or gevent in before anything imports socket or threading, then
calls `serve()` here. Also here: a faster websocket unmasking for eventlet's server.
eventlet's RFC6455WebSocket._apply_mask builds one bytes object per byte of every frame
a phone sends; in a 1,000-phone burst that was an eighth of the server's CPU (py-spy,
bench/load.py scenario b). XOR with the repeated 4-byte mask as two big integers gives
the same bytes at C speed.
"""

from __future__ import annotations

import gc
import socket
from collections.abc import Sequence
from typing import Any


def apply_mask(
    data: bytes, mask: Sequence[int], length: int | None = None, offset: int = 0
) -> bytes:
    """Same contract as eventlet's: the first `length` bytes of `data`, XORed with
    `mask` starting at mask position `offset`."""
    if length is None:
        length = len(data)
    chunk = bytes(data[:length])
    key = bytes(mask[(offset + i) % 4] for i in range(4))
    pad = (key * (length // 4 + 1))[:length]
    return (int.from_bytes(chunk, "little") ^ int.from_bytes(pad, "little")).to_bytes(
        length, "little"
    )


def install_eventlet_speedups() -> None:
    """Replace eventlet's per-byte unmasking (a staticmethod) with apply_mask."""
    from eventlet.websocket import RFC6455WebSocket

    # A newer eventlet may rename or drop it; then this would add an unused attribute.
    assert isinstance(RFC6455WebSocket.__dict__.get("_apply_mask"), staticmethod), (
        "eventlet's RFC6455WebSocket._apply_mask is gone: review facilitator/serve.py"
    )
    RFC6455WebSocket._apply_mask = staticmethod(apply_mask)


def tune_gc() -> None:
    """Fewer, cheaper garbage collections: with 1,000 phones connected a full collection
    walked every connection's objects for 100-170 ms, finding nothing to free, and the
    young generation was collected every 700 allocations (docs/benchmarks.md, "Load")."""
    gc.collect()
    gc.freeze()  # what is loaded by now lives as long as the server: never scan it again
    gc.set_threshold(10_000, 20, 10)  # the default first generation is 700 objects


def lan_address() -> str | None:
    """An address of this machine that phones on the same network can reach."""
    # The address of the default route: connecting a UDP socket sends nothing. Debian maps
    # the hostname to 127.0.1.1 in /etc/hosts, so the lookup below alone finds no LAN.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never reached
            address = probe.getsockname()[0]
        if not address.startswith(("127.", "0.")):
            return address
    except OSError:
        pass
    try:
        candidates = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return None
    for address in candidates:
        if not address.startswith("127."):
            return address
    return None


def serve(host: str, port: int, data_dir: str, mode: str) -> None:
    """Create the app, print where to go, start retention, and serve until stopped."""
    from facilitator import auth, create_app, socketio
    from facilitator.activities.intervision import retention

    if mode == "eventlet":
        install_eventlet_speedups()
    config: dict[str, Any] = {"DATA_DIR": data_dir, "ASYNC_MODE": mode}
    shown_host = host
    if host in ("0.0.0.0", "::"):
        lan = lan_address()
        if lan:
            config["LAN_URL"] = f"http://{lan}:{port}"
            shown_host = lan
    app = create_app(config)
    store = app.extensions["facilitator.store"]
    base = app.config["PUBLIC_URL"].rstrip("/") or f"http://{shown_host}:{port}"
    print(f"Facilitator ({mode}) serving on http://{host}:{port}", flush=True)
    print(f"  facilitators log in at  {base}/login", flush=True)
    print(f"  participants join at    {base}/join", flush=True)
    if auth.user_count(store) == 0:
        token = auth.new_setup_token(store)
        print(f"  no users yet: create the first admin at {base}/setup/{token}", flush=True)
    retention.start(app, socketio)  # purge now, then daily
    # eventlet's WSGI server holds at most 1,024 connections by default: fewer than the
    # phones of a large conference plus their boards (docs/benchmarks.md, "Load").
    extra = {"max_size": 10_000} if mode == "eventlet" else {}
    tune_gc()
    socketio.run(app, host=host, port=port, log_output=False, **extra)
