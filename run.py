"""Serve Facilitator, or administer it.

python run.py [--host 127.0.0.1] [--port 5000] [--data sessions/]
python run.py user add EMAIL --role admin|facilitator|manager [--name NAME] [--team TEAM]
python run.py user password EMAIL   (new password from stdin or a prompt; logs out everywhere)
python run.py user deactivate EMAIL (no more logins; its sessions and API token end)
python run.py user link EMAIL       (a one-time link to set the password)
python run.py token EMAIL
python run.py team add NAME
python run.py purge
python run.py cluster --processes N [--host] [--port 5000] [--data]  (Redis, N processes, nginx)
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import warnings

# Eventlet warns on import that it is deprecated: a message for the developers (see
# docs/architecture.md), not for the person at the keyboard. The start line says which
# async mode runs.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


def _async_mode() -> str:
    return os.environ.get("FACILITATOR_ASYNC_MODE", "eventlet")


def _patch(mode: str) -> None:
    # Must happen before anything imports socket or threading.
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def serve(args: argparse.Namespace) -> None:
    mode = _async_mode()
    if not os.environ.get("FACILITATOR_MESSAGE_QUEUE"):
        # One process without Redis looks up host names only while it starts (the address
        # it listens on, the LAN address it prints), where blocking is harmless, so
        # eventlet's green resolver, 0.12 s of every restart, is left out
        # (docs/benchmarks.md). With Redis it stays: a lookup of Redis's host while the
        # room runs must not block the process.
        os.environ.setdefault("EVENTLET_NO_GREENDNS", "yes")
    _patch(mode)
    from facilitator.serve import serve as serve_app

    serve_app(args.host, args.port, args.data, mode)


def _app(args: argparse.Namespace):
    from facilitator import create_app

    return create_app({"DATA_DIR": args.data, "ASYNC_MODE": "threading"})


def user_add(args: argparse.Namespace) -> None:
    from facilitator import accounts

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    store = _app(args).extensions["facilitator.store"]
    try:
        user = accounts.create_account(store, args.email, args.role, args.name or "", password)
        for team in args.team or []:
            accounts.add_member(store, accounts.add_team(store, team), user.id)
    except ValueError as err:
        sys.exit(f"error: {err}")
    print(f"added {user.role} {user.email}")


def _user_id(store, email: str) -> int:
    from facilitator import accounts

    row = accounts.by_email(store, email)
    if row is None:
        sys.exit("error: no such user")
    return row["id"]


def user_deactivate(args: argparse.Namespace) -> None:
    from facilitator import accounts

    store = _app(args).extensions["facilitator.store"]
    try:
        accounts.deactivate(store, _user_id(store, args.email))
    except ValueError as err:
        sys.exit(f"error: {err}")
    print(f"deactivated {args.email}; every login session and its API token have ended")


def user_link(args: argparse.Namespace) -> None:
    from facilitator import accounts

    app = _app(args)
    store = app.extensions["facilitator.store"]
    hours = app.config["PASSWORD_LINK_HOURS"]
    try:
        token = accounts.new_password_link(store, _user_id(store, args.email), hours)
    except ValueError as err:
        sys.exit(f"error: {err}")
    base = app.config["PUBLIC_URL"].rstrip("/") or f"http://{args.host}:{args.port}"
    print(f"one-time link to set the password of {args.email} (valid {hours} hours):")
    print(f"{base}/password/{token}")


def user_password(args: argparse.Namespace) -> None:
    from facilitator import auth

    if sys.stdin.isatty():
        password = getpass.getpass("New password: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    store = _app(args).extensions["facilitator.store"]
    try:
        auth.set_password(store, _user_id(store, args.email), password)
    except ValueError as err:
        sys.exit(f"error: {err}")
    print(f"new password for {args.email}; every login session of it has ended")


def token(args: argparse.Namespace) -> None:
    from facilitator import auth

    store = _app(args).extensions["facilitator.store"]
    try:
        print(auth.new_api_token(store, args.email))
    except ValueError as err:
        sys.exit(f"error: {err}")


def team_add(args: argparse.Namespace) -> None:
    from facilitator import accounts

    store = _app(args).extensions["facilitator.store"]
    try:
        print(f"team {args.name}: id {accounts.add_team(store, args.name)}")
    except ValueError as err:
        sys.exit(f"error: {err}")


def purge(args: argparse.Namespace) -> None:
    from facilitator.activities.intervision import retention
    from facilitator.db import utcnow

    app = _app(args)
    days = app.config["INTERVISION_RETENTION_DAYS"]
    idle = app.config["RETENTION_IDLE_DAYS"]
    counts = retention.purge(app.extensions["facilitator.store"], utcnow(), days, idle)
    print(f"purged personal content older than {days} days"
          f" (and workshops idle for {idle} days): {counts}")


def cluster(args: argparse.Namespace) -> None:
    from facilitator.cluster import Cluster, missing_programs

    missing = missing_programs()
    if missing:
        sys.exit(f"error: {', '.join(missing)} not installed: bash scripts/cluster.sh"
                 " installs them (Debian packages redis-server and nginx)")
    if args.processes < 1:
        sys.exit("error: --processes must be 1 or more")
    ports = [args.port + 1 + i for i in range(args.processes)]
    group = Cluster(args.data, args.port, ports, args.redis_port or ports[-1] + 1,
                    host=args.host)
    try:
        group.start()
    except RuntimeError as err:
        sys.exit(f"error: {err}")
    print(f"Facilitator: {args.processes} processes (ports {ports[0]}-{ports[-1]}),"
          f" Redis on {group.redis_port}, nginx on http://{args.host}:{args.port}", flush=True)
    print(f"  logs in {group.run_dir}; Ctrl-C stops them all", flush=True)
    sys.exit(group.wait())


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
    pwd = user.add_parser("password", help="set a new password; ends every login session")
    pwd.add_argument("email")
    pwd.set_defaults(func=user_password)
    dea = user.add_parser("deactivate", help="no more logins; ends its sessions and API token")
    dea.add_argument("email")
    dea.set_defaults(func=user_deactivate)
    lnk = user.add_parser("link", help="print a one-time link to set the password")
    lnk.add_argument("email")
    lnk.set_defaults(func=user_link)
    tok = sub.add_parser("token", help="print a new API token for a user")
    tok.add_argument("email")
    tok.set_defaults(func=token)
    team = sub.add_parser("team", help="manage teams").add_subparsers(dest="team_command")
    tadd = team.add_parser("add", help="add a team")
    tadd.add_argument("name")
    tadd.set_defaults(func=team_add)
    prg = sub.add_parser("purge", help="delete intervision content past its retention period")
    prg.set_defaults(func=purge)
    clu = sub.add_parser("cluster", help="Redis, N server processes and nginx in front")
    clu.add_argument("--processes", type=int, default=2)
    clu.add_argument("--host", default=os.environ.get("FACILITATOR_HOST", "127.0.0.1"))
    clu.add_argument("--port", type=int, default=int(os.environ.get("FACILITATOR_PORT", 5000)),
                     help="nginx's port; the processes take the ports after it")
    clu.add_argument("--data", default=os.environ.get("FACILITATOR_DATA_DIR", "sessions"))
    clu.add_argument("--redis-port", type=int, default=0, help="default: after the processes'")
    clu.set_defaults(func=cluster)
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        if args.command:
            parser.error("incomplete command")
        serve(args)
    else:
        args.func(args)


if __name__ == "__main__":
    main()
