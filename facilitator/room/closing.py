"""What closing a workshop does to the store: after it, nothing links an anonymous
contribution to its author (DESIGN.md invariant 8; issue 12, item 11).

- Anonymous dilemmas lose `author_id`; needs and arguments lose `participant_id`.
- Votes, choices, feedback to the team and ratings of the team in a maturity scan keep
  who-did-what-with-whom inside the room (the report counts voters and who shifted
  between two rounds), but under a random permutation of the room's participants that
  is never stored: each row now names some participant of this workshop, not its author.
  Ratings about oneself stay with their author only for someone who kept a personal
  link (their portfolio shows them); the others are permuted among the unlinked.
- The event log forgets which participant sent each action (`actor` "p:<id>" becomes
  "p", which the dispatcher still answers for a resent `op_id`: an outbox that resends
  after the close gets its ack), and the join events forget the name typed.

Reopening a closed workshop does not bring any of this back: phones no longer see
their own earlier dilemmas as theirs.
"""

from __future__ import annotations

import secrets
from typing import Any

from facilitator.live.actions import ANONYMOUS_PARTICIPANT

# (table, column, how a row belongs to workshop :w): rows whose column is NOT NULL and
# part of a key, so they are permuted rather than emptied.
PERMUTED = (
    ("dilemma_votes", "participant_id",
     "item_id IN (SELECT id FROM agenda_items WHERE workshop_id = :w)"),
    ("dilemma_choices", "participant_id",
     "round_id IN (SELECT id FROM dilemma_rounds WHERE workshop_id = :w)"),
    ("feedback", "author_id", "workshop_id = :w AND to_id IS NULL"),
    # A maturity scan's ratings of the team.
    ("maturity_ratings", "participant_id", "workshop_id = :w AND about = 'team'"),
)
# Ratings about oneself stay linked only for someone who kept a personal link: their own
# portfolio shows them (activities/maturity/store.py, self_ratings). Everyone else's are
# permuted among those without a link, so none can reach someone else's portfolio.
UNLINKED = "SELECT id FROM participants WHERE workshop_id = :w AND person_id IS NULL"
PERMUTED_UNLINKED = (
    ("maturity_ratings", "participant_id",
     f"workshop_id = :w AND about = 'self' AND participant_id IN ({UNLINKED})"),
)
EMPTIED = (
    ("dilemmas", "author_id", "workshop_id = :w AND author_name IS NULL"),
    ("dilemma_needs", "participant_id", "workshop_id = :w"),
    ("dilemma_arguments", "participant_id", "workshop_id = :w"),
)


def _tables(db: Any) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _permutation(ids: list[int]) -> dict[int, int]:
    shuffled = list(ids)
    secrets.SystemRandom().shuffle(shuffled)
    return dict(zip(ids, shuffled, strict=True))


def _permute(db: Any, table: str, column: str, where: str, w: dict[str, int],
             mapping: dict[int, int]) -> None:
    # Taken out and put back under the permutation: a bijection, so every key stays
    # unique and every foreign key valid at each step.
    rows = [dict(r) for r in db.execute(f"SELECT * FROM {table} WHERE {where}", w)]
    db.execute(f"DELETE FROM {table} WHERE {where}", w)
    for row in rows:
        row[column] = mapping.get(row[column], row[column])
        names = ", ".join(row)
        marks = ", ".join("?" * len(row))
        db.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(row.values()))


def unlink_authors(db: Any, workshop_id: int) -> None:
    """Inside the closing transaction: cut every link from an anonymous contribution to
    the participant who made it."""
    tables = _tables(db)
    w = {"w": workshop_id}
    for table, column, where in EMPTIED:
        if table in tables:
            db.execute(f"UPDATE {table} SET {column} = NULL WHERE {where}", w)
    everyone = "SELECT id FROM participants WHERE workshop_id = :w"
    for among, permuted in ((everyone, PERMUTED), (UNLINKED, PERMUTED_UNLINKED)):
        mapping = _permutation([r[0] for r in db.execute(among, w)])
        for table, column, where in permuted:
            if table in tables:
                _permute(db, table, column, where, w, mapping)
    db.execute(
        "UPDATE events SET actor = ? WHERE workshop_id = ? AND actor LIKE 'p:%'",
        (ANONYMOUS_PARTICIPANT, workshop_id),
    )
    db.execute(
        "UPDATE events SET data = '{}' WHERE workshop_id = ? AND op = 'participant.join'",
        (workshop_id,),
    )
