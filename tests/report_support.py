"""A whole work conference for the report tests, played through the real dispatcher
in-process against the server's own database file (the same actions a phone or the
control page sends; no socket per phone, which on this machine would take minutes for
sixty people). The running server then serves the report from that database.

What must never reach a report is planted with markers: a hidden dilemma, anonymous
authors, a personal agreement, feedback to a person, team feedback never shown."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
from facilitator.room import participants
from facilitator.room.items import agenda_of
from facilitator.room.workshops import create_workshop
from facilitator.security import hash_token

HIDDEN_DILEMMA = "VERBORGEN-DILEMMA-5150 over het rooster"
ANONYMOUS_AUTHOR = "Anoniem Gebleven Auteur"
NAMED_AUTHOR = "Wilhelmina van Oranje-Bovenkerk"
PERSONAL_AGREEMENT = "PERSOONLIJKE-AFSPRAAK-7260 minder overwerken"
PRIVATE_FEEDBACK = "PRIVE-FEEDBACK-8831 je onderbrak me"
UNSHOWN_TEAM_FEEDBACK = "NIET-GETOOND-TEAM-4471"
SHOWN_TEAM_FEEDBACK = "We beginnen de overdracht zelden op tijd"
AGREEMENT = "Zoë plant één casusoverleg per maand met het wijkteam"
RECOMMENDATION = "Geef teams ruimte om af te wijken van het protocol, met een vast overleg"
NEED = "Duidelijkheid wie beslist als de cliënt en de regels botsen"
VALUES = "autonomie tegenover veiligheid"
ARGUMENT = "Veiligheid <b>eerst</b> | en *daarna* de [wens](x)"  # typed, never markup
THEMES = ["Veiligheid", "Privacy en gegevens", "Werkdruk", "Samenwerking met ketenpartners",
          "Regels en protocollen", "Cliëntwens", "Collegialiteit", "Organisatie en roosters"]
NEVER = (HIDDEN_DILEMMA, ANONYMOUS_AUTHOR, PERSONAL_AGREEMENT, PRIVATE_FEEDBACK,
         UNSHOWN_TEAM_FEEDBACK)


OPENINGS = ["Mevrouw De Vries (84) wil thuis blijven wonen", "Een vader vraagt ons niets aan "
            "school te vertellen", "Een collega deelt cliëntgegevens via WhatsApp",
            "De wachtlijst voor dagbesteding loopt op", "Een jongere wil zijn dossier inzien",
            "De huisarts wil niet met ons overleggen", "Een cliënt weigert de thuiszorg binnen te "
            "laten", "Het rooster laat geen tijd voor een huisbezoek"]
VALUE_PAIRS = [VALUES, "privacy tegenover samenwerking", "loyaliteit tegenover eerlijkheid",
               "cliëntwens tegenover regels", "zorgvuldigheid tegenover snelheid"]


def long_situation(n: int) -> str:
    base = (f"{OPENINGS[n % len(OPENINGS)]} (casus {n}), maar de familie belt ons elke week "
            "ongerust op en vraagt om in te grijpen. ")
    if n % 5:
        return base.strip()
    filler = ("We weten dat de cliënt soms vergeet te eten, de huisarts is terughoudend en "
              "het protocol zegt dat we moeten melden als de veiligheid in het geding is. ")
    text = base + filler * 8
    return text[:1000]


class Conference:
    """A workshop on the "dilemmas" agenda with feedback and agreements added, played
    from start to finish by `people` participants."""

    def __init__(self, app: Any, owner_email: str, title: str, team: str | None = None,
                 people: int = 60, dilemmas: int = 40, argument: str = ARGUMENT):
        self.argument = argument  # the first argument: markup typed as text, or plain
        self.app = app
        self.store = app.extensions["facilitator.store"]
        self.dispatcher = app.extensions["facilitator.dispatcher"]
        self.dispatcher.on_commit = lambda *_: None  # nobody is connected to this process
        with app.test_request_context():
            owner = self.store.one("SELECT id FROM users WHERE email = ?", (owner_email,))
            team_row = self.store.one("SELECT id FROM teams WHERE name = ?", (team,))
            self.workshop = create_workshop(self.store, owner["id"], title, "nl",
                                            team_row["id"] if team_row else None, "dilemmas")
            self.fac = Actor(FACILITATOR, self.workshop["id"], user_id=owner["id"])
            self.ok(self.fac, "workshop.open")
            self.items: dict[str, list[int]] = {}
            for item in agenda_of(self.store, self.workshop["id"]):
                self.items.setdefault(item["kind"], []).append(item["id"])
            for kind in ("feedback", "agreements"):
                self.items[kind] = [self.ok(self.fac, "agenda.add", kind=kind)["item_id"]]
            self.phones = [self.join(self.name(i)) for i in range(people)]
            self.play(dilemmas)

    # --- acting ---------------------------------------------------------------------

    def ok(self, actor: Actor, op: str, **data: Any) -> dict[str, Any]:
        ack = self.dispatcher.dispatch(
            actor, {"op": op, "op_id": secrets.token_hex(8), "data": data})
        assert ack["ok"], (op, data, ack)
        return ack["result"]

    def join(self, name: str | None) -> Actor:
        token, ack = participants.join_phone(self.dispatcher, self.workshop,
                                             secrets.token_hex(8), name, name is None)
        assert ack["ok"], ack
        return Actor(PARTICIPANT, self.workshop["id"],
                     participant_id=ack["result"]["participant_id"], token_hash=hash_token(token))

    @staticmethod
    def name(i: int) -> str | None:
        if i == 0:
            return NAMED_AUTHOR
        if i == 1:
            return ANONYMOUS_AUTHOR
        return None if i % 7 == 0 else f"Deelnemer {i:02d} van wijkteam Noord-Oost"

    def goto(self, kind: str, n: int = 0) -> int:
        item_id = self.items[kind][n]
        self.ok(self.fac, "agenda.goto", item_id=item_id)
        return item_id

    def latest_round(self, item_id: int) -> int:
        return self.store.one("SELECT id FROM dilemma_rounds WHERE item_id = ?"
                              " ORDER BY id DESC LIMIT 1", (item_id,))["id"]

    # --- the conference -------------------------------------------------------------

    def play(self, count: int) -> None:
        self.goto("dilemma_collect")
        ids = []
        for n in range(1, count + 1):
            author = self.phones[(n - 1) % len(self.phones)]
            options = ["De wens van de cliënt volgen", "Ingrijpen en melden"]
            if n % 4 == 0:
                options.append("Eerst met de dochter en de huisarts samen praten")
            ids.append(self.ok(author, "dilemma.submit", situation=long_situation(n),
                               options=options, values=VALUE_PAIRS[n % len(VALUE_PAIRS)],
                               show_name=n == 1)["dilemma_id"])
        anonymous_by_named = self.phones[1]  # joined with a name, kept the dilemma anonymous
        self.hidden = self.ok(anonymous_by_named, "dilemma.submit", situation=HIDDEN_DILEMMA,
                              options=["Ja", "Nee"], show_name=True)["dilemma_id"]
        self.ok(self.fac, "dilemma.approve", dilemma_id=self.hidden, approved=False)
        self.dilemma_ids = ids
        # Sort: eight themes, content or organisational, two merged.
        self.goto("dilemma_sort")
        themes = [self.ok(self.fac, "dilemma.theme_add", name=t)["theme_id"] for t in THEMES]
        for i, did in enumerate(ids):
            self.ok(self.fac, "dilemma.set_theme", dilemma_id=did, theme_id=themes[i % 8])
            self.ok(self.fac, "dilemma.classify", dilemma_id=did,
                    category="organisational" if i % 3 == 0 else "content")
        self.ok(self.fac, "dilemma.merge", dilemma_id=ids[-1], into_id=ids[0])
        self.ok(self.fac, "dilemma.merge", dilemma_id=ids[-2], into_id=ids[4])
        # Vote: three dots each, most on #1, #5 and #2.
        vote = self.goto("dilemma_vote")
        self.ok(self.fac, "dilemma_vote.open", item_id=vote)
        favourites = [ids[0], ids[4], ids[1]]
        for i, phone in enumerate(self.phones):
            for k in range(3):
                choice = favourites[(i + k) % 3] if i % 4 else ids[(i + k) % min(30, len(ids) - 2)]
                self.ok(phone, "dilemma_vote.add", dilemma_id=choice)
        self.ok(self.fac, "dilemma_vote.reveal", item_id=vote)
        # Three games: a first round, a revote with a shift, and a variation on the first.
        for n, did in enumerate(favourites):
            game = self.goto("dilemma_game", n)
            self.ok(self.fac, "dilemma_game.stage", item_id=game, dilemma_id=did, mode="choice")
            self.choose_all(game, lambda i: 0 if i % 7 < 4 else 1)
            self.ok(self.fac, "dilemma_game.reveal", item_id=game)
            for i, phone in enumerate(self.phones[:6]):
                self.ok(phone, "dilemma_game.argue", option=i % 2,
                        text=self.argument if i == 0 else
                        f"Argument {i} voor optie {'AB'[i % 2]}: de cliënt kent zichzelf")
            self.ok(self.fac, "dilemma_game.revote", item_id=game)
            self.choose_all(game, lambda i: 0 if i % 7 < 3 else 1)
            self.ok(self.fac, "dilemma_game.reveal", item_id=game)
            if n == 0:
                self.ok(self.fac, "dilemma_game.variation", item_id=game,
                        text="Maar wat als de cliënt al twee keer is gevallen?")
                self.choose_all(game, lambda i: 1 if i % 7 < 5 else 0)
                self.ok(self.fac, "dilemma_game.reveal", item_id=game)
        # Harvest: needs from phones, recommendations and notes from the facilitator.
        self.goto("dilemma_harvest")
        for i, did in enumerate(favourites):
            self.ok(self.phones[i + 2], "dilemma_harvest.need", dilemma_id=did,
                    text=NEED if i == 0 else f"Tijd voor overleg over dilemma {i}")
            self.ok(self.fac, "dilemma_harvest.recommend", dilemma_id=did,
                    text=RECOMMENDATION if i == 0 else f"Aanbeveling {i}: leg het vast")
            self.ok(self.fac, "dilemma_harvest.notes", dilemma_id=did,
                    text=f"Notities bij dilemma {i}: de zaal was verdeeld.")
        # Feedback: one to a person, two to the team (one shown).
        self.goto("feedback")
        a, b, c = self.phones[2:5]
        self.ok(a, "feedback.give", to_id=b.participant_id, behaviour=PRIVATE_FEEDBACK,
                feeling="", effect="Ik raakte mijn punt kwijt", wish="Laat me uitpraten")
        shown = self.ok(c, "feedback.give", to_id=0, behaviour=SHOWN_TEAM_FEEDBACK, feeling="",
                        effect="Wie op tijd is wacht", wish="Om 9:00 beginnen")["feedback_id"]
        self.ok(a, "feedback.give", to_id=0, behaviour=UNSHOWN_TEAM_FEEDBACK, feeling="",
                effect="x", wish="y")
        self.ok(self.fac, "feedback.show", feedback_id=shown, shown=True)
        # Agreements: one for managers (with a partner), one personal.
        self.goto("agreements")
        due = (date.today() + timedelta(days=30)).isoformat()
        base = {"owner_text": "", "check_how": "In het teamoverleg van maart", "due_date": due}
        self.agreement = self.ok(a, "agreements.propose", owner_id=a.participant_id,
                                 what=AGREEMENT, with_ids=[b.participant_id],
                                 manager_visible=True, **base)["agreement_id"]
        self.ok(c, "agreements.propose", owner_id=c.participant_id, what=PERSONAL_AGREEMENT,
                with_ids=[], manager_visible=False, **base)
        self.owner_name = self.name(2)
        self.partner_name = self.name(3)

    def choose_all(self, game: int, option_of: Any) -> None:
        round_id = self.latest_round(game)
        for i, phone in enumerate(self.phones):
            if i % 10 != 9:  # not everyone chooses every round
                self.ok(phone, "dilemma_game.choose", round_id=round_id, option=option_of(i))
