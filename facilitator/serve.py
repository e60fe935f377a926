"""Serving: what `python run.py` does once the async mode is patched in.

run.py patches eventlet or gevent in before anything imports socket or threading, then
calls `serve()` here. Also here: a faster websocket unmasking for eventlet's server.
eventlet's RFC6455WebSocket._apply_mask builds one bytes object per byte of every frame
a phone sends; in a 1,000-phone burst that was an eighth of the server's CPU (py-spy,
bench/load.py scenario b). XOR with the repeated 4-byte mask as two big integers gives
the same bytes at C speed.
"""

from __future__ import annotations

import errno
import fcntl
import gc
import hashlib
import logging
import os
import resource
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Out of file descriptors (or kernel memory) while accepting: wait and accept again.
ACCEPT_LATER = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
LOCK_FILE = "facilitator.lock"
START_FILE = "facilitator.starting"
_held: list[Any] = []  # the data folder's lock, held as long as the process lives


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
    young generation was collected every 700 allocations (docs/benchmarks.md, "Load").
    At 5,000 phones a phase change's 5,000 queued sends outlive 10,000 allocations: two
    young collections of about 30 ms each in every phase change, 2.0 s of a big_room
    run; every 100,000 they are sent before one comes (0.6 s a run, "A fifth session")."""
    gc.collect()
    gc.freeze()  # what is loaded by now lives as long as the server: never scan it again
    gc.set_threshold(100_000, 20, 10)  # the default first generation is 700 objects


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


def raise_open_files_limit() -> tuple[int, int]:
    """Raise the soft limit on open files to the hard limit; returns (before, after).

    Every phone holds a connection, and so does every idle or half-open one until it
    times out: at the usual soft limit of 1,024 a room of 1,000 phones is at the edge."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 1_048_576)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            return soft, soft
        return soft, target
    return soft, soft


@contextmanager
def starting(data_dir: str) -> Iterator[None]:
    """One process of the data folder starts at a time: the lock check below, the first
    secret key, the catalogues and the migrations must not run in two at once."""
    folder = Path(data_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / START_FILE).open("a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # held for seconds at most
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def deployment_of(queue: str) -> str:
    """What names a deployment in the lock file: its message queue, hashed (a Redis URL
    may carry a password)."""
    return "queue " + hashlib.sha256(queue.encode()).hexdigest()[:16]


def lock_data_dir(data_dir: str, queue: str = "") -> None:
    """Hold the data folder's lock, or exit saying who holds it.

    Two servers on one database both serve, each with its own pushes and presence, and
    screens then drop at random. One process alone holds the lock exclusively. The
    processes of one deployment (the same FACILITATOR_MESSAGE_QUEUE) share it, and the
    file names their queue: a second deployment, or a single server, is refused. The
    lock (flock) goes when the process ends, however. Call it inside `starting`."""
    folder = Path(data_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    handle = (folder / LOCK_FILE).open("a+")
    first = True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        first = False
    if not first and queue:
        try:  # others hold it: shared by the processes of a deployment, or exclusively
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            pass
        else:
            handle.seek(0)
            if handle.readline().strip() == deployment_of(queue):
                _held.append(handle)
                return
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    if not first:
        handle.seek(0)
        lines = handle.read().split()
        holder = lines[-1] if lines else "?"
        handle.close()
        sys.exit(
            f"error: another Facilitator server (process {holder}) is already using the data"
            f" folder {folder}. Stop it first, or start this one with --data <another folder>."
            + (" The processes of one deployment share a folder only with the same"
               " FACILITATOR_MESSAGE_QUEUE." if queue else "")
        )
    handle.seek(0)
    handle.truncate()
    handle.write(f"{deployment_of(queue) if queue else 'single'}\n{os.getpid()}\n")
    handle.flush()
    if queue:  # the others of this deployment may join (`starting` keeps them out meanwhile)
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
    _held.append(handle)


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, or exit with a clear message when the port is taken.

    Without SO_REUSEPORT (eventlet sets it by default): a second server on the same
    port must fail, not share the port's connections at random with the first."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            sys.exit(
                f"error: port {port} on {host} is already in use (another Facilitator, or"
                f" another program). Stop it, or start this one with --port <another port>."
            )
        sys.exit(f"error: cannot listen on {host}:{port}: {err.strerror or err}")
    return sock


class PatientListener:
    """A listening socket whose accept() waits out EMFILE instead of raising it.

    eventlet's accept loop ends the server on any accept error it does not know: out of
    file descriptors, the process exited with code 1. Waiting lets connections time out
    and close (HTTP_TIMEOUT) and then accepts again."""

    def __init__(self, sock: Any, pause: float = 0.1):
        self._sock = sock
        self._pause = pause
        self._warned = 0.0

    def accept(self) -> Any:
        while True:
            try:
                return self._sock.accept()
            except OSError as err:
                if err.errno not in ACCEPT_LATER:
                    raise
                if time.monotonic() - self._warned > 10:
                    self._warned = time.monotonic()
                    log.warning("cannot accept a connection now (%s); waiting", err.strerror)
                    print(
                        f"warning: out of file descriptors ({err.strerror}); new connections"
                        " wait until others close",
                        file=sys.stderr,
                        flush=True,
                    )
                time.sleep(self._pause)  # patched: lets the other connections run

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def websockets_without_timeout(app: Callable[..., Any]) -> Callable[..., Any]:
    """WSGI middleware for eventlet: the HTTP read timeout is for requests, not for an
    established websocket, whose liveness Engine.IO's ping/pong already checks."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket":
            stream = environ.get("eventlet.input")
            if stream is not None:
                stream.get_socket().settimeout(None)
        return app(environ, start_response)

    return wrapped


def _serve_eventlet(app: Any, sock: socket.socket, timeout: float) -> None:
    import eventlet.wsgi

    # eventlet's WSGI server holds at most 1,024 connections by default: fewer than the
    # phones of a large conference plus their boards (docs/benchmarks.md, "Load").
    eventlet.wsgi.server(
        PatientListener(sock),
        websockets_without_timeout(app),
        log_output=False,
        max_size=10_000,
        socket_timeout=timeout,
    )


def _serve_gevent(app: Any, sock: socket.socket, timeout: float) -> None:
    from gevent import pywsgi

    class Handler(pywsgi.WSGIHandler):
        """Reads time out like eventlet's socket_timeout, except on a websocket."""

        def handle(self) -> None:
            self.socket.settimeout(timeout)
            try:
                super().handle()
            except TimeoutError:
                pass  # a request that never completed: its connection is closed

        def _handle_client_error(self, ex: BaseException) -> Any:
            if isinstance(ex, TimeoutError):
                return None  # closed without an answer, and without a log line each
            return super()._handle_client_error(ex)

        def run_application(self) -> None:
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                self.socket.settimeout(None)
            super().run_application()

    # gevent's accept loop already waits and retries on EMFILE (BaseServer.delay).
    pywsgi.WSGIServer(sock, app, handler_class=Handler, log=None).serve_forever()


def serve(host: str, port: int, data_dir: str, mode: str) -> None:
    """Create the app, print where to go, start retention, and serve until stopped."""
    from facilitator import auth
    from facilitator.activities.intervision import retention
    from facilitator.live import processes

    queue = os.environ.get("FACILITATOR_MESSAGE_QUEUE", "").strip()
    with starting(data_dir):
        lock_data_dir(data_dir, queue)
        sock = listen(host, port)
        app = _create(host, port, data_dir, mode)
    before, after = raise_open_files_limit()
    store = app.extensions["facilitator.store"]
    base = app.config["PUBLIC_URL"].rstrip("/") or app.config["LAN_URL"]
    print(f"Facilitator ({mode}) serving on http://{host}:{port}", flush=True)
    if queue:
        print("  one of several processes: message queue FACILITATOR_MESSAGE_QUEUE", flush=True)
    print(f"  facilitators log in at  {base}/login", flush=True)
    print(f"  participants join at    {base}/join", flush=True)
    if auth.user_count(store) == 0:
        token = auth.new_setup_token(store)
        print(f"  no users yet: create the first admin at {base}/setup/{token}", flush=True)
    raised = f"raised from {before:,}" if after > before else "the system's limit"
    print(
        f"  open files: {after:,} ({raised}): about {max(after - 64, 0):,} connections",
        flush=True,
    )
    from facilitator import socketio

    retention.start(app, socketio)  # purge now, then daily
    if queue:
        processes.start(app, socketio)
    timeout = float(app.config.get("HTTP_TIMEOUT", 30))
    tune_gc()
    if mode == "eventlet":
        _serve_eventlet(app, sock, timeout)
    else:
        _serve_gevent(app, sock, timeout)


def _create(host: str, port: int, data_dir: str, mode: str) -> Any:
    from facilitator import create_app

    if mode == "eventlet":
        install_eventlet_speedups()
    config: dict[str, Any] = {"DATA_DIR": data_dir, "ASYNC_MODE": mode}
    shown_host = host
    if host in ("0.0.0.0", "::"):
        shown_host = lan_address() or "127.0.0.1"
    # The server's own address, for links when no public URL is set (room/links.py).
    shown = f"[{shown_host}]" if ":" in shown_host else shown_host
    config["LAN_URL"] = f"http://{shown}:{port}"
    return create_app(config)
