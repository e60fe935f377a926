"""The store's group commit: concurrent writes share a COMMIT, yet each is atomic on its
own, a refused one leaves the others intact, and every write is durable (visible to
another connection) when its block exits.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from facilitator.db import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(str(tmp_path / "t.db"))
    s.run("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
    yield s
    s.close()


def other_connection(tmp_path: Path) -> list[str]:
    conn = sqlite3.connect(tmp_path / "t.db")
    try:
        return [r[0] for r in conn.execute("SELECT v FROM t ORDER BY v")]
    finally:
        conn.close()


def test_a_write_is_committed_when_its_block_exits(store: Store, tmp_path: Path) -> None:
    with store.write() as db:
        db.execute("INSERT INTO t (v) VALUES ('a')")
    assert other_connection(tmp_path) == ["a"]
    assert not store.db.conn.in_transaction


def test_a_refused_write_changes_nothing(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        with store.write() as db:
            db.execute("INSERT INTO t (v) VALUES ('gone')")
            raise ValueError("refused")
    assert other_connection(tmp_path) == []
    assert not store.db.conn.in_transaction
    with store.write() as db:
        db.execute("INSERT INTO t (v) VALUES ('b')")
    assert other_connection(tmp_path) == ["b"]


def test_nested_writes_roll_back_only_the_inner_part(store: Store, tmp_path: Path) -> None:
    with store.write() as db:
        db.execute("INSERT INTO t (v) VALUES ('outer')")
        with pytest.raises(sqlite3.IntegrityError):
            with store.write() as inner:
                inner.execute("INSERT INTO t (v) VALUES ('inner')")
                inner.execute("INSERT INTO t (v) VALUES ('outer')")
    assert other_connection(tmp_path) == ["outer"]


def test_concurrent_writes_all_land_once_and_refusals_do_not_spoil_the_batch(
        store: Store, tmp_path: Path) -> None:
    errors: list[BaseException] = []
    committed: list[str] = []
    gate = threading.Barrier(40)

    def writer(i: int) -> None:
        gate.wait()
        value = "dup" if i % 10 == 0 else f"v{i:02d}"  # four writers collide on "dup"
        try:
            with store.write() as db:
                db.execute("INSERT INTO t (v) VALUES (?)", (value,))
            # Durable on return: another connection sees it already.
            assert value in other_connection(tmp_path)
            committed.append(value)
        except sqlite3.IntegrityError as err:
            errors.append(err)

    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    store.db.conn.set_trace_callback(None)
    assert len(errors) == 3  # the three later "dup" writers are refused, alone
    assert sorted(committed) == sorted(other_connection(tmp_path))
    assert len(other_connection(tmp_path)) == 37
    assert not store.db.conn.in_transaction
    # Shared COMMITs: 37 writes land in far fewer (one per write without group commit).
    commits = statements.count("COMMIT")
    assert 1 <= commits <= 37 // 2, commits
