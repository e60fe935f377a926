"""Workshops: creation (from a ready-made agenda, an own template, or as a duplicate of
another workshop), lookup by code, and the lifecycle actions (open, close, lock, rename).
The agenda and its actions are in `agenda`."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from facilitator.activities import registry as activity_registry
from facilitator.db import Store, dumps, iso, utcnow
from facilitator.i18n import LANGUAGES  # workshops.LANGUAGES is used by the API too
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room import closing
from facilitator.room.agenda import choices, preset, retitle
from facilitator.room.agenda_templates import items_of as agenda_items
from facilitator.room.items import TITLE_MAX
from facilitator.schema import Bool, Choice, Text

# No 0/O, 1/I/L: codes are read off a beamer and typed on small keyboards.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

actions = ActionSet()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]


def check_new(
    title: Any,
    language: Any,
    agenda: Any,
    team_id: Any,
    team_ids: set[int],
    own_agendas: set[str] = frozenset(),  # type: ignore[assignment]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate a new workshop's fields (the form and the API): the cleaned fields, and
    per field a message in the current language for what is wrong. `own_agendas` are the
    keys of the user's own templates, allowed besides the ready-made agendas."""
    errors: dict[str, str] = {}
    title = " ".join(title.split()) if isinstance(title, str) else ""
    if not title:
        errors["title"] = _("Give the workshop a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Too long: at most %(max)s characters.", max=TITLE_MAX)
    if language not in LANGUAGES:
        errors["language"] = _("That is not one of the choices.")
    if agenda not in dict(choices()) and agenda not in own_agendas:
        errors["agenda"] = _("That is not one of the choices.")
    if team_id is not None and team_id not in team_ids:
        errors["team"] = _("That is not one of the choices.")
    fields = {"title": title, "language": language, "agenda": agenda, "team_id": team_id}
    return fields, errors


def create_workshop(
    store: Store,
    owner_id: int,
    title: str,
    language: str = "nl",
    team_id: int | None = None,
    agenda: str = "welcome",
    items: list[tuple[Any, ...]] | None = None,
) -> dict[str, Any]:
    """Create a draft workshop with a ready-made agenda, or with `items` ((kind, title,
    config) each: an own template or a duplicate); returns the workshop row."""
    kinds = activity_registry()
    items = preset(agenda) if items is None else items
    now = iso(utcnow())
    with store.write() as db:
        for _ in range(20):
            code = new_code()
            if db.execute("SELECT 1 FROM workshops WHERE code = ?", (code,)).fetchone() is None:
                break
        cur = db.execute(
            "INSERT INTO workshops (code, title, team_id, owner_id, language, board_token,"
            " created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            (code, title, team_id, owner_id, language, secrets.token_urlsafe(24), now),
        )
        workshop_id = cur.lastrowid
        first = None
        with force_locale(language):
            for position, (kind, title_text, *preset_config) in enumerate(items):
                activity = kinds[kind]
                # An agenda may preset an item's config, e.g. which intervision method.
                config = activity.default_config() | (preset_config[0] if preset_config else {})
                item_title = str(title_text or activity.title)
                cur = db.execute(
                    "INSERT INTO agenda_items (workshop_id, position, kind, title, config)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (workshop_id, position, kind, item_title, dumps(config)),
                )
                first = first or cur.lastrowid
        db.execute("UPDATE workshops SET current_item_id = ? WHERE id = ?", (first, workshop_id))
        db.execute(
            "INSERT INTO events (workshop_id, seq, op, op_id, actor, data, result, at)"
            " VALUES (?, 1, 'workshop.create', ?, ?, ?, '{}', ?)",
            (
                workshop_id,
                "create-" + secrets.token_hex(8),
                f"u:{owner_id}",
                dumps({"title": title, "agenda": agenda}),
                now,
            ),
        )
    return dict(store.one("SELECT * FROM workshops WHERE id = ?", (workshop_id,)))


def duplicate(store: Store, workshop: dict[str, Any], owner_id: int) -> dict[str, Any]:
    """A new draft workshop with this one's agenda and settings (language, team, the items'
    settings) but none of its content or participants: next month's meeting, the next
    group. Its title says it is a copy until the facilitator renames it."""
    with force_locale(workshop["language"]):
        title = _("%(title)s (copy)", title=workshop["title"])
    title = title if len(title) <= TITLE_MAX else workshop["title"]
    items = [(i["kind"], i["title"], i["config"]) for i in agenda_items(store, workshop["id"])]
    copy = create_workshop(
        store, owner_id, title, workshop["language"], workshop["team_id"], "duplicate", items
    )
    # Workshop-wide settings (e.g. intervision's) and the programme travel too (the next
    # meeting of a series); the lock and status do not.
    store.run("UPDATE workshops SET settings = ?, programme_id = ? WHERE id = ?",
              (workshop["settings"], workshop.get("programme_id"), copy["id"]))
    return {**copy, "settings": workshop["settings"],
            "programme_id": workshop.get("programme_id")}


def by_code(store: Store, code: str) -> dict[str, Any] | None:
    row = store.one("SELECT * FROM workshops WHERE code = ?", (normalise_code(code),))
    return dict(row) if row else None


def _everyone(ctx: Context) -> None:
    ctx.changes.everything()


# --- lifecycle --------------------------------------------------------------------


@actions("workshop.open", roles=(FACILITATOR,), any_status=True)
def open_workshop(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute(
        "UPDATE workshops SET status = 'open', closed_at = NULL WHERE id = ?", (ctx.workshop["id"],)
    )
    _everyone(ctx)


@actions("workshop.close", roles=(FACILITATOR,))
def close_workshop(ctx: Context, data: dict[str, Any]) -> None:
    # retention_from: the first close not yet purged ('' once purged); a reopen keeps it.
    ctx.execute(
        "UPDATE workshops SET status = 'closed', closed_at = ?,"
        " retention_from = COALESCE(NULLIF(retention_from, ''), ?) WHERE id = ?",
        (ctx.now_iso, ctx.now_iso, ctx.workshop["id"]),
    )
    closing.unlink_authors(ctx.db, ctx.workshop["id"])
    _everyone(ctx)


@actions("workshop.lock", roles=(FACILITATOR,), schema={"locked": Bool()})
def lock_workshop(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute(
        "UPDATE workshops SET locked = ? WHERE id = ?", (int(data["locked"]), ctx.workshop["id"])
    )
    ctx.changes.board = ctx.changes.control = True


@actions("workshop.rename", roles=(FACILITATOR,), schema={"title": Text(max_len=TITLE_MAX)})
def rename_workshop(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute("UPDATE workshops SET title = ? WHERE id = ?", (data["title"], ctx.workshop["id"]))
    _everyone(ctx)


@actions("workshop.language", roles=(FACILITATOR,), schema={"language": Choice(LANGUAGES)})
def set_language(ctx: Context, data: dict[str, Any]) -> None:
    """The room's language, any time: the board, the tables and every phone follow (they
    load their page again in it); what people typed stays as typed."""
    ctx.execute("UPDATE workshops SET language = ? WHERE id = ?",
                (data["language"], ctx.workshop["id"]))
    retitle(ctx, ctx.workshop["language"], data["language"])
    _everyone(ctx)
