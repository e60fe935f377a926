"""The one SQLite connection: WAL, synchronous=FULL, busy_timeout, foreign keys."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

BUSY_MS = 5000  # how long a write waits for another writer's lock
MEMO_ENTRIES = 128  # kept views' parts (Store.keep): two per workshop a push shows


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class Store:
    """Wraps the single writer connection.

    Every statement runs under one lock: under eventlet a sqlite3 call never yields,
    under threading (tests) the lock keeps statements of two threads apart.
    """

    def __init__(self, path: str, shared: bool = False):
        # shared: other processes write to this file too (FACILITATOR_MESSAGE_QUEUE).
        self.shared = shared
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        self.db = sqlite_utils.Database(conn)
        self.db.enable_wal()
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
        self.lock = threading.RLock()
        # Shared file: a write waiting for the other process's write lock lets go of
        # self.lock meanwhile (see _begin); the writes behind it wait for it here.
        self._lock_free = threading.Condition(self.lock)
        self._beginning = False
        # Group commit (see write): the open batch, how many writes it holds, and who
        # is committing which batch.
        self._state = threading.Condition()
        self._open = False
        self._members = 0
        self._depth = 0
        self._batch = 0
        self._committing: int | None = None
        self._committed = -1
        self._failed: set[int] = set()
        # What was computed from the database, kept with what it was computed from
        # (participants.roster: the workshop's roster_revision and `generation`), so
        # that a push reuses it while that is unchanged (see kept, keep, forget).
        self.memo: dict[tuple[str, int], tuple[Any, Any]] = {}
        # One more each time writes are rolled back (a failed write, a failed COMMIT):
        # a revision read from them may come back later with other content.
        self.generation = 0
        self.closed = False

    @contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One short write: atomic on its own, durable (committed) when the block exits.

        Group commit: writes that arrive while a COMMIT is pending share one IMMEDIATE
        transaction, each in its own SAVEPOINT, and one COMMIT. With synchronous=FULL a
        commit is an fsync (about 4 ms on a small VM): a burst of 1,000 actions then
        costs a few dozen fsyncs instead of 1,000 (docs/benchmarks.md, "Load").
        Never emit, sleep or wait inside the block."""
        conn = self.db.conn
        with self.lock:
            outer = self._depth == 0
            if outer:
                while self._beginning:  # another write waits for the file's write lock
                    self._lock_free.wait()
            if outer and not self._open:
                self._beginning = True
                try:
                    self._begin()
                    self._open = True
                finally:
                    self._beginning = False
                    self._lock_free.notify_all()
            self._depth += 1
            name = f"w{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.db
            except BaseException:
                self.generation += 1  # (see memo: what the block wrote is undone)
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                if outer and self._members == 0:
                    conn.execute("ROLLBACK")  # nothing else in this batch
                    self._open = False
                raise
            else:
                conn.execute(f"RELEASE {name}")
                if outer:
                    self._members += 1
            finally:
                self._depth -= 1
            batch = self._batch
        if outer:
            self._await_commit(batch)

    def _begin(self) -> None:
        """BEGIN IMMEDIATE: the write lock, so that what the handler reads (the workshop's
        seq) no other writer changes before the commit.

        With other processes on the file, one of them may hold that lock for a while (a
        group commit). SQLite's busy handler would wait inside the C call, and under
        eventlet or gevent that stops every greenlet of this process, sockets included:
        two processes writing in bursts then took turns standing still (docs/benchmarks.md,
        "Several processes"). So the wait is here, in waits that let the rest run, and
        without self.lock: held, it kept this process's reads (every push's views) behind
        the other process's writes, and a board waited more than a minute for its push.
        Called with self.lock held once (write); the writes behind wait for _beginning."""
        conn = self.db.conn
        if not self.shared:
            conn.execute("BEGIN IMMEDIATE")
            return
        deadline = time.monotonic() + BUSY_MS / 1000
        pause = 0.0005
        while True:
            conn.execute("PRAGMA busy_timeout=0")  # only for this attempt: reads wait as ever
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
            finally:
                conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
            # Lets go of self.lock while it waits (patched: the hub runs meanwhile).
            self._lock_free.wait(pause)
            pause = min(pause * 2, 0.02)

    def _await_commit(self, batch: int) -> None:
        """Return once `batch` is committed; the first writer to get here commits it."""
        with self._state:
            while self._committed < batch and self._committing is not None:
                self._state.wait()
            if self._committed >= batch:
                if batch in self._failed:
                    raise sqlite3.OperationalError("commit failed")
                return
            self._committing = batch
        time.sleep(0)  # let writes that are ready to run join this batch first
        error: BaseException | None = None
        with self.lock:
            try:
                self.db.conn.execute("COMMIT")
            except BaseException as err:
                error = err
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                self.generation += 1
            self._open = False
            self._members = 0
            self._batch += 1
        with self._state:
            self._committed = batch
            self._committing = None
            if error is not None:
                self._failed.add(batch)
            self._state.notify_all()
        if error is not None:
            raise error

    def kept(self, kind: str, workshop_id: int, made_from: Any) -> Any:
        """What `keep` kept for this workshop, if it was made from `made_from`; else None."""
        entry = self.memo.get((kind, workshop_id))
        return entry[1] if entry is not None and entry[0] == made_from else None

    def keep(self, kind: str, workshop_id: int, made_from: Any, value: Any) -> None:
        if len(self.memo) >= MEMO_ENTRIES:  # a server runs a few workshops at once
            self.memo.clear()
        self.memo[(kind, workshop_id)] = (made_from, value)

    def forget(self, workshop_id: int) -> None:
        """The workshop is deleted: nothing read from it stays in memory either."""
        for key in list(self.memo):  # (a copy: another thread may keep meanwhile)
            if key[1] == workshop_id:
                self.memo.pop(key, None)

    # Reads give plain dicts: views, exports and the JSON they become need no conversion.
    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        with self.lock:
            row = self.db.conn.execute(sql, params).fetchone()
        return None if row is None else dict(row)

    def all(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.conn.execute(sql, params).fetchall()
        return [dict(r) for r in rows]

    def tuples(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        """Rows as plain tuples: for the few reads of thousands of rows a push makes,
        where building a dict per row and then the view's own dict doubled the cost."""
        with self.lock:
            cursor = self.db.conn.cursor()
            cursor.row_factory = None
            return cursor.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Any = ()) -> Any:
        with self.lock:
            row = self.db.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def run(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """A single autocommitted write outside a larger transaction."""
        with self.lock:
            return self.db.conn.execute(sql, params)

    def close(self) -> None:
        with self.lock:
            self.closed = True  # (a background push that comes later stops quietly)
            self.db.conn.close()


def current_store() -> Store:
    """The app's store, inside a request or a socket event."""
    from flask import current_app  # db.py stays usable without an app (CLI, benches)

    return current_app.extensions["facilitator.store"]
