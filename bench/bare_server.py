"""The floor: a bare python-socketio server that only broadcasts.

Served the same way Flask-SocketIO's `socketio.run` serves the real app (eventlet's or
gevent's WSGI server, same async mode), so the benchmark's push latency can be given
as a ratio to what the library itself costs.

python bench/bare_server.py --port 5001 --mode eventlet

Clients connect (any auth) and join one room; a client that emits `go` with a payload
makes the server emit that payload as `phone` to the room, like a phase change does; an
`each` emits it to every phone one by one, like a push of personal views; an `act` is
acknowledged at once (the echo-with-ack floor of a submission), a `sync` too.
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    args = parser.parse_args(argv)

    # Patched first, as run.py does.
    if args.mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    else:
        from gevent import monkey

        monkey.patch_all()

    import socketio

    sio = socketio.Server(async_mode=args.mode, max_http_buffer_size=64 * 1024)
    app = socketio.WSGIApp(sio)

    @sio.on("connect")
    def connect(sid: str, environ: dict, auth: object = None) -> None:
        sio.enter_room(sid, "all")

    @sio.on("go")
    def go(sid: str, payload: object) -> str:
        sio.emit("phone", payload, to="all")
        return "ok"

    @sio.on("each")
    def each(sid: str, payload: object) -> str:
        # The floor of a push of personal views: one emit per phone, as each member gets
        # its own (the real server's `me` to each participant's room).
        for phone in list(sio.manager.get_participants("/", "all")):
            sio.emit("phone", payload, to=phone[0] if isinstance(phone, tuple) else phone)
        return "ok"

    @sio.on("sync")
    def sync(sid: str, _: object = None) -> dict:
        # The floor of a phone's first sync after a reconnect: an answer, no views.
        return {"ok": True, "seq": 0}

    @sio.on("act")
    def act(sid: str, envelope: object) -> dict:
        # The floor of a submission: receive an action and acknowledge it, nothing more.
        return {"ok": True, "seq": 0}

    print(f"bare server ({args.mode}) on 127.0.0.1:{args.port}", flush=True)
    if args.mode == "eventlet":
        import eventlet.wsgi

        eventlet.wsgi.server(
            eventlet.listen(("127.0.0.1", args.port)), app, log_output=False, max_size=10_000
        )
    else:
        from gevent import pywsgi

        pywsgi.WSGIServer(("127.0.0.1", args.port), app, log=None).serve_forever()


if __name__ == "__main__":
    sys.exit(main())
