"""The workshop report ("eindrapport"): a printable page and a Markdown download.

Built only from what each activity's `export(v, item)` lets leave the room (never an
anonymous author, intervision content or feedback to a person), plus the agreements
managers may see. An activity without `export` appears in the agenda only. Each kind
may bring `templates/report/KIND.html` (variables `item` and `content`) and
`report_markdown(content)`; otherwise the export is shown as a plain list.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, g, render_template
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2 import TemplateNotFound

from facilitator.activities import registry
from facilitator.agreements import store as agreements_store
from facilitator.db import Store, current_store, parse_iso, utcnow
from facilitator.i18n import format_day
from facilitator.live.screens import ViewContext
from facilitator.markdown import escape
from facilitator.room.items import agenda_of
from facilitator.room.workshops import by_code

bp = Blueprint("report", __name__)


def _workshop(code: str) -> dict[str, Any]:
    workshop = by_code(current_store(), code)
    if workshop is None or not current_user.may_run(workshop):
        abort(404)
    # The report speaks the workshop's language, like the board did.
    g.workshop_language = workshop["language"]
    return workshop


def _template_for(kind: str) -> str | None:
    name = f"report/{kind}.html"
    try:
        current_app.jinja_env.get_template(name)
    except TemplateNotFound:
        return None
    return name


def _recommendations(content: Any) -> list[str]:
    found = content.get("recommendations") if isinstance(content, dict) else None
    out = []
    for entry in found or []:
        text = entry.get("text") if isinstance(entry, dict) else entry
        if isinstance(text, str) and text.strip():
            out.append(text)
    return out


def build(db: Store, workshop: dict[str, Any]) -> dict[str, Any]:
    """Everything the report shows, from the activities' exports."""
    v = ViewContext(db, workshop, utcnow())
    kinds = registry()
    sections, recommendations = [], []
    agenda = agenda_of(db, workshop["id"])
    for item in agenda:
        activity = kinds.get(item["kind"])
        if activity is None or activity.export is None:
            continue
        content = activity.export(v, item)
        recommendations += _recommendations(content)
        sections.append({
            "item": item,
            "content": content,
            "activity": activity,
            "template": _template_for(item["kind"]),
        })
    team = db.one("SELECT name FROM teams WHERE id = ?", (workshop["team_id"],))
    agreements = [
        agreements_store.public(r, v.now)
        for r in agreements_store.of_workshop(v, workshop["id"], visible_only=True)
    ]
    return {
        "workshop": workshop,
        "team": team["name"] if team else None,
        "date": format_date(parse_iso(workshop["created_at"]), "long"),
        "agenda": agenda,
        "sections": sections,
        "agreements": agreements,
        "recommendations": recommendations,
    }


@bp.get("/w/<code>/report")
@login_required
def page(code: str) -> Any:
    workshop = _workshop(code)
    return render_template("report/report.html", **build(current_store(), workshop))


def _generic_markdown(value: Any, depth: int = 0) -> list[str]:
    pad = "  " * depth
    if isinstance(value, dict):
        lines = []
        for key, sub in value.items():
            if isinstance(sub, dict | list):
                lines.append(f"{pad}- {escape(key)}:")
                lines += _generic_markdown(sub, depth + 1)
            else:
                lines.append(f"{pad}- {escape(key)}: {escape(sub)}")
        return lines
    if isinstance(value, list):
        lines = []
        for sub in value:
            if isinstance(sub, dict | list):
                lines.append(f"{pad}-")
                lines += _generic_markdown(sub, depth + 1)
            else:
                lines.append(f"{pad}- {escape(sub)}")
        return lines
    return [f"{pad}- {escape(value)}"]


def markdown(report: dict[str, Any]) -> str:
    w = report["workshop"]
    out = [f"# {escape(w['title'])}", ""]
    facts = [report["date"]] + ([report["team"]] if report["team"] else [])
    out += [escape(" · ".join(facts)), "", f"## {_('Agenda')}", ""]
    out += [f"{n}. {escape(i['title'])}" for n, i in enumerate(report["agenda"], 1)]
    for section in report["sections"]:
        out += ["", f"## {escape(section['item']['title'])}", ""]
        writer = section["activity"].report_markdown
        out.append(writer(section["content"]) if writer else
                   "\n".join(_generic_markdown(section["content"])))
    out += ["", f"## {_('Agreements')}", ""]
    for a in report["agreements"]:
        with_part = f" ({_('with %(names)s', names=', '.join(map(escape, a['with'])))})" \
            if a["with"] else ""
        check = f" — {_('Check: %(how)s', how=escape(a['check_how']))}" if a["check_how"] else ""
        out.append(f"- **{escape(a['owner'])}**{with_part}: {escape(a['what'])} —"
                   f" {format_day(a['due_date'])} — {a['status_label']}{check}")
    if not report["agreements"]:
        out.append(_("No agreements yet."))
    if report["recommendations"]:
        out += ["", f"## {_('Recommendations')}", ""]
        out += [f"- {escape(text)}" for text in report["recommendations"]]
    return "\n".join(out) + "\n"


@bp.get("/w/<code>/report.md")
@login_required
def markdown_download(code: str) -> Any:
    workshop = _workshop(code)
    text = markdown(build(current_store(), workshop))
    return Response(
        text.encode("utf-8"),
        mimetype="text/markdown",
        headers={"Content-Disposition": f'attachment; filename="report-{workshop["code"]}.md"'},
    )
