"""Issue 21, point 1, piece by piece: the data folder's lock shared by one deployment's
processes and refused to another, the heartbeat that clears a dead process's presence,
the changes that travel between processes, and the setting itself."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from facilitator import serve
from facilitator.config import ConfigError, load_config
from facilitator.db import iso, utcnow
from facilitator.live import processes, relay
from facilitator.live.actions import Changes
from facilitator.room.participants import PROCESS_ID

QUEUE = "redis://127.0.0.1:6379/0"


@pytest.fixture
def held() -> Iterator[list[Any]]:
    """The lock handles a test takes (flock: two opens of one file conflict as two
    processes would), released afterwards."""
    yield serve._held
    while serve._held:
        serve._held.pop().close()


def refused(data: Path, queue: str) -> str:
    with pytest.raises(SystemExit) as stop:
        with serve.starting(str(data)):
            serve.lock_data_dir(str(data), queue)
    return str(stop.value)


def test_the_processes_of_one_deployment_share_the_folder(tmp_path: Path, held: list) -> None:
    for _ in range(3):
        with serve.starting(str(tmp_path)):
            serve.lock_data_dir(str(tmp_path), QUEUE)
    assert len(held) == 3
    # A single server, or a second deployment (another queue), may not join them.
    assert "already using the data folder" in refused(tmp_path, "")
    message = refused(tmp_path, "redis://127.0.0.1:6380/0")
    assert "already using the data folder" in message and "MESSAGE_QUEUE" in message
    # The lock file names the deployment by a hash: a Redis password stays out of it.
    assert "6379" not in (tmp_path / serve.LOCK_FILE).read_text()


def test_a_single_server_keeps_the_folder_to_itself(tmp_path: Path, held: list) -> None:
    with serve.starting(str(tmp_path)):
        serve.lock_data_dir(str(tmp_path))
    assert "already using the data folder" in refused(tmp_path, QUEUE)
    assert "already using the data folder" in refused(tmp_path, "")


def test_once_every_process_is_gone_another_deployment_may_start(tmp_path: Path,
                                                                  held: list) -> None:
    with serve.starting(str(tmp_path)):
        serve.lock_data_dir(str(tmp_path), QUEUE)
    held.pop().close()  # the process ended: its flock is gone
    with serve.starting(str(tmp_path)):
        serve.lock_data_dir(str(tmp_path), "")
    assert len(held) == 1


def test_a_silent_process_loses_its_presence_and_a_living_one_keeps_it(store: Any) -> None:
    store.run("INSERT INTO users (email, password_hash, role, name, created_at)"
              " VALUES ('f@x.nl', 'x', 'facilitator', 'F', '2026-01-01')")
    user = store.scalar("SELECT id FROM users")
    store.run("INSERT INTO workshops (code, title, owner_id, board_token, created_at)"
              " VALUES ('ABC123', 'T', ?, 'bt', '2026-01-01')", (user,))
    workshop = store.scalar("SELECT id FROM workshops")
    long_ago = iso(utcnow().replace(year=2025))
    store.run("INSERT INTO processes (id, seen_at) VALUES ('dead-1', ?), ('alive-2', ?)",
              (long_ago, iso(utcnow())))
    for sid, process in (("s1", "dead-1"), ("s2", "alive-2"), ("s3", PROCESS_ID),
                         ("s4", "never-registered")):
        store.run("INSERT INTO presence (sid, process, workshop_id, audience, connected_at)"
                  " VALUES (?, ?, ?, 'board', ?)", (sid, process, workshop, iso(utcnow())))
    assert processes.beat(store) == [workshop]
    left = {r["sid"] for r in store.all("SELECT sid FROM presence")}
    assert left == {"s2", "s3"}
    assert {r["id"] for r in store.all("SELECT id FROM processes")} == {"alive-2", PROCESS_ID}
    assert processes.beat(store) == []  # nothing more to clear
    processes.leave(store)
    assert {r["sid"] for r in store.all("SELECT sid FROM presence")} == {"s2"}


def test_changes_travel_as_marks_not_views() -> None:
    changes = Changes(board=True, personal={7, 3}, sockets={"sid-1"})
    message = relay.encode(12, changes)
    assert message == {"workshop": 12, "board": True, "control": False, "phones": False,
                       "personal": [3, 7]}  # no sockets: they were closed through the queue
    workshop, back = relay.decode(message)
    assert workshop == 12 and back.board and not back.control and back.personal == {3, 7}
    _, everyone = relay.decode(relay.encode(1, Changes().everything()))
    assert everyone.personal is None and everyone.control and everyone.phones


def test_a_changes_message_from_another_process_reaches_the_pusher_and_no_client() -> None:
    manager = relay.RoomManager(QUEUE)
    got: list[tuple[int, Changes]] = []
    manager.on_changes = lambda w, c: got.append((w, c))
    manager._handle_emit({"method": "emit", "event": relay.CHANGES, "namespace": "/",
                          "data": relay.encode(5, Changes(control=True))})
    manager._handle_emit({"method": "emit", "event": relay.CHANGES, "data": {"x": 1}})
    assert [(w, c.control) for w, c in got] == [(5, True)]  # the malformed one is dropped


def test_the_message_queue_setting_is_a_redis_url(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_config({"DATA_DIR": str(tmp_path)})["MESSAGE_QUEUE"] == ""
    monkeypatch.setenv("FACILITATOR_MESSAGE_QUEUE", QUEUE)
    assert load_config({"DATA_DIR": str(tmp_path)})["MESSAGE_QUEUE"] == QUEUE
    monkeypatch.setenv("FACILITATOR_MESSAGE_QUEUE", "amqp://rabbit")
    with pytest.raises(ConfigError, match="FACILITATOR_MESSAGE_QUEUE"):
        load_config({"DATA_DIR": str(tmp_path)})


def test_two_writers_on_one_database_number_their_events_without_a_gap(tmp_path: Path) -> None:
    """What two processes do: two connections, each BEGIN IMMEDIATE, read seq and add one.
    The write lock is taken before the read, so neither reads a seq the other is about to
    use (the UNIQUE (workshop_id, seq) would refuse it; here it never comes to that)."""
    from facilitator.db import Store
    from facilitator.migrations import migrate

    path = str(tmp_path / "f.db")
    one, two = Store(path), Store(path)
    migrate(one.db)
    one.run("INSERT INTO users (email, password_hash, role, name, created_at)"
            " VALUES ('f@x.nl', 'x', 'facilitator', 'F', '2026-01-01')")
    one.run("INSERT INTO workshops (code, title, owner_id, board_token, created_at)"
            " VALUES ('ABC123', 'T', 1, 'bt', '2026-01-01')")

    def next_seq(store: Store, op_id: str) -> None:
        with store.write() as db:
            seq = db.execute("SELECT seq FROM workshops WHERE id = 1").fetchone()[0] + 1
            db.execute("UPDATE workshops SET seq = ? WHERE id = 1", (seq,))
            db.execute("INSERT INTO events (workshop_id, seq, op, op_id, actor, data, result, at)"
                       " VALUES (1, ?, 'x.y', ?, 'a', '{}', '{}', '')", (seq, op_id))

    # Interleaved: one's transaction is open when two tries; two waits (busy_timeout).
    import threading

    started = threading.Event()

    def slow() -> None:
        with one.write() as db:
            seq = db.execute("SELECT seq FROM workshops WHERE id = 1").fetchone()[0] + 1
            started.set()
            threading.Event().wait(0.2)  # two is blocked on the write lock meanwhile
            db.execute("UPDATE workshops SET seq = ? WHERE id = 1", (seq,))
            db.execute("INSERT INTO events (workshop_id, seq, op, op_id, actor, data, result, at)"
                       " VALUES (1, ?, 'x.y', 'slow', 'a', '{}', '{}', '')", (seq,))

    writer = threading.Thread(target=slow)
    writer.start()
    assert started.wait(5)
    next_seq(two, "fast")
    writer.join(5)
    for n in range(20):
        next_seq(one if n % 2 else two, f"op{n}")
    conn = sqlite3.connect(path)
    seqs = [r[0] for r in conn.execute("SELECT seq FROM events ORDER BY seq")]
    conn.close()
    assert seqs == list(range(1, 23))
    one.close()
    two.close()


def test_a_shared_store_waits_for_the_other_writer_in_its_own_sleeps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With other processes on the file the wait for the write lock is a loop of sleeps
    (green under eventlet), not SQLite's busy handler; it still gives up after BUSY_MS."""
    import threading

    from facilitator import db as dbmod
    from facilitator.migrations import migrate

    path = str(tmp_path / "f.db")
    holder, waiter = dbmod.Store(path, shared=True), dbmod.Store(path, shared=True)
    migrate(holder.db)
    held, release = threading.Event(), threading.Event()
    names = iter(("first", "holding"))

    def hold() -> None:
        with holder.write() as conn:
            conn.execute("INSERT INTO teams (name) VALUES (?)", (next(names),))
            held.set()
            release.wait(5)

    writer = threading.Thread(target=hold)
    writer.start()
    assert held.wait(5)
    threading.Timer(0.2, release.set).start()
    with waiter.write() as conn:  # waits until the holder commits, then writes
        conn.execute("INSERT INTO teams (name) VALUES ('second')")
    writer.join(5)
    assert [r["name"] for r in waiter.all("SELECT name FROM teams ORDER BY id")] == [
        "first", "second"]
    assert waiter.scalar("PRAGMA busy_timeout") == dbmod.BUSY_MS  # restored for reads

    monkeypatch.setattr(dbmod, "BUSY_MS", 100)
    held.clear()
    release.clear()
    writer = threading.Thread(target=hold)
    writer.start()
    assert held.wait(5)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        with waiter.write() as conn:
            conn.execute("INSERT INTO teams (name) VALUES ('never')")
    release.set()
    writer.join(5)
    assert waiter.scalar("SELECT COUNT(*) FROM teams WHERE name = 'never'") == 0
    # And the store is usable again after the refusal.
    with waiter.write() as conn:
        conn.execute("INSERT INTO teams (name) VALUES ('third')")
    holder.close()
    waiter.close()


def test_while_a_write_waits_for_the_other_process_this_process_still_reads(
        tmp_path: Path) -> None:
    """The waiting write lets go of the store while it waits: a push's views (reads) of
    the same process go on meanwhile, and a second write queues behind the first and lands
    in the same batch, in order. Before, every read stood behind the wait: the other
    process's burst of writes kept a board without its push for over a minute."""
    import threading

    from facilitator.db import Store
    from facilitator.migrations import migrate

    path = str(tmp_path / "f.db")
    other, here = Store(path, shared=True), Store(path, shared=True)
    migrate(other.db)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # the other process, in the middle of a group commit
        with other.write() as conn:
            conn.execute("INSERT INTO teams (name) VALUES ('other')")
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert held.wait(5)
    done: list[str] = []

    def write(name: str) -> None:
        with here.write() as conn:
            conn.execute("INSERT INTO teams (name) VALUES (?)", (name,))
        done.append(name)

    first = threading.Thread(target=write, args=("first",))
    first.start()
    assert not threading.Event().wait(0.1)  # the first write is waiting for the lock now
    second = threading.Thread(target=write, args=("second",))
    second.start()
    # Reads on this process's store answer while both writes wait (the other still holds).
    read = threading.Thread(target=lambda: done.append(
        f"read {here.scalar('SELECT COUNT(*) FROM teams')}"))
    read.start()
    read.join(3)
    assert done == ["read 0"], done  # answered, before any write could begin
    release.set()
    for t in (holder, first, second):
        t.join(10)
    assert sorted(done) == ["first", "read 0", "second"]
    assert [r["name"] for r in here.all("SELECT name FROM teams ORDER BY id")] == [
        "other", "first", "second"]
    other.close()
    here.close()
