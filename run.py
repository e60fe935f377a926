"""Serve Facilitator, or administer it.

python run.py [--host 127.0.0.1] [--port 5000] [--data sessions/]
python run.py user add EMAIL --role admin|facilitator|manager [--name NAME] [--team TEAM]
python run.py token EMAIL
python run.py team add NAME
python run.py purge
"""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys


def _async_mode() -> str:
    return os.environ.get("FACILITATOR_ASYNC_MODE", "eventlet")


def _patch(mode: str) -> None:
    # Must happen before anything imports socket or threading.
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
        from facilitator import eventlet_speedups

        eventlet_speedups.install()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def _tune_gc() -> None:
    """Fewer, cheaper garbage collections: with 1,000 phones connected a full collection
    walked every connection's objects for 100-170 ms, finding nothing to free, and the
    young generation was collected every 700 allocations (docs/benchmarks.md, "Load")."""
    import gc

    gc.collect()
    gc.freeze()  # what is loaded by now lives as long as the server: never scan it again
    gc.set_threshold(10_000, 20, 10)  # the default first generation is 700 objects


def _lan_address() -> str | None:
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


def serve(args: argparse.Namespace) -> None:
    mode = _async_mode()
    _patch(mode)
    from facilitator import auth, create_app, socketio

    config = {"DATA_DIR": args.data, "ASYNC_MODE": mode}
    shown_host = args.host
    if args.host in ("0.0.0.0", "::"):
        lan = _lan_address()
        if lan:
            config["LAN_URL"] = f"http://{lan}:{args.port}"
            shown_host = lan
    app = create_app(config)
    store = app.extensions["facilitator.store"]
    base = app.config["PUBLIC_URL"].rstrip("/") or f"http://{shown_host}:{args.port}"
    print(f"Facilitator ({mode}) serving on http://{args.host}:{args.port}", flush=True)
    print(f"  facilitators log in at  {base}/login", flush=True)
    print(f"  participants join at    {base}/join", flush=True)
    if auth.user_count(store) == 0:
        token = auth.new_setup_token(store)
        print(f"  no users yet: create the first admin at {base}/setup/{token}", flush=True)
    from facilitator.activities import _intervision_retention

    _intervision_retention.start(app, socketio)  # purge now, then daily
    # eventlet's WSGI server holds at most 1,024 connections by default: fewer than the
    # phones of a large conference plus their boards (docs/benchmarks.md, "Load").
    extra = {"max_size": 10_000} if mode == "eventlet" else {}
    _tune_gc()
    socketio.run(app, host=args.host, port=args.port, log_output=False, **extra)


def _app(args: argparse.Namespace):
    from facilitator import create_app

    return create_app({"DATA_DIR": args.data, "ASYNC_MODE": "threading"})


def user_add(args: argparse.Namespace) -> None:
    from facilitator import auth

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    store = _app(args).extensions["facilitator.store"]
    try:
        user = auth.add_user(store, args.email, password, args.role, args.name or "")
    except ValueError as err:
        sys.exit(f"error: {err}")
    for team in args.team or []:
        auth.add_to_team(store, auth.add_team(store, team), user.id)
    print(f"added {user.role} {user.email}")


def token(args: argparse.Namespace) -> None:
    from facilitator import auth

    store = _app(args).extensions["facilitator.store"]
    try:
        print(auth.new_api_token(store, args.email))
    except ValueError as err:
        sys.exit(f"error: {err}")


def team_add(args: argparse.Namespace) -> None:
    from facilitator import auth

    store = _app(args).extensions["facilitator.store"]
    print(f"team {args.name}: id {auth.add_team(store, args.name)}")


def purge(args: argparse.Namespace) -> None:
    from facilitator.activities import _intervision_retention
    from facilitator.db import utcnow

    app = _app(args)
    days = app.config["INTERVISION_RETENTION_DAYS"]
    counts = _intervision_retention.purge(app.extensions["facilitator.store"], utcnow(), days)
    print(f"purged intervision content older than {days} days: {counts}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Facilitator: live workshops.")
    parser.add_argument("--host", default=os.environ.get("FACILITATOR_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FACILITATOR_PORT", 5000)))
    parser.add_argument("--data", default=os.environ.get("FACILITATOR_DATA_DIR", "sessions"))
    sub = parser.add_subparsers(dest="command")
    user = sub.add_parser("user", help="manage accounts").add_subparsers(dest="user_command")
    add = user.add_parser("add", help="add an account; password from stdin or a prompt")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=("admin", "facilitator", "manager"))
    add.add_argument("--name")
    add.add_argument("--team", action="append", help="team name (created if new); repeatable")
    add.set_defaults(func=user_add)
    tok = sub.add_parser("token", help="print a new API token for a user")
    tok.add_argument("email")
    tok.set_defaults(func=token)
    team = sub.add_parser("team", help="manage teams").add_subparsers(dest="team_command")
    tadd = team.add_parser("add", help="add a team")
    tadd.add_argument("name")
    tadd.set_defaults(func=team_add)
    prg = sub.add_parser("purge", help="delete intervision content past its retention period")
    prg.set_defaults(func=purge)
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        if args.command:
            parser.error("incomplete command")
        serve(args)
    else:
        args.func(args)


if __name__ == "__main__":
    main()
