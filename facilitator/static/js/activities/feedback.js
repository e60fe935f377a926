// Feedback practice (4G): the phone gives and receives; the board shows the shape,
// counts, and team feedback the facilitator chose to show (never names).
import { known, people, self } from "../core/people.js";
import { press, sendForm } from "../core/send.js";
import { spotlightButton } from "../core/spotlight.js";
import { el, fromTemplate, keyed } from "../core/dom.js";
import { scoped, t } from "../core/strings.js";

const S = scoped("feedback");
const PARTS = ["behaviour", "feeling", "effect", "wish"];

function fourG(ctx, f) {
  return el(
    "dl",
    { class: "four-g" },
    PARTS.filter((k) => f[k]).flatMap((k) => [
      el("dt", { text: S(`short_${k}`) }),
      el("dd", { text: f[k] }),
    ]),
  );
}

function counts(ctx, c) {
  return S("counts", { people: c.to_people, team: c.to_team });
}

function replyLine(ctx, reply, own) {
  if (!reply) return null;
  const key = own ? "your_reply" : reply.kind === "heard" ? "reply_heard" : "reply_question";
  return el("p", { class: "reply", text: S(key, { text: reply.text }) });
}

export const phone = {
  /** The colleagues to choose from, asked for when they changed (core/people.js). */
  async fill(root, ctx) {
    const rev = this.rev;
    const colleagues = await people(ctx.live, rev);
    const select = root.querySelector("[data-form=give] select");
    if (!colleagues || !select || rev !== this.rev) return;
    // Not oneself: the server names who asked with the list (ctx.me may not be here yet).
    const mine = self() ?? (ctx.me && ctx.me.self_id);
    const key = JSON.stringify([mine, colleagues]);
    if (select.dataset.people === key) return;
    const chosen = select.value;
    select.dataset.people = key;
    select.replaceChildren(
      el("option", { value: "0", text: S("team") }),
      ...colleagues.filter((c) => c.id !== mine).map((c) => el("option", { value: String(c.id), text: c.name })),
    );
    select.value = chosen || "0";
    if (!select.value) select.value = "0";
  },
  mount(root, ctx) {
    root.append(fromTemplate("feedback-phone"));
    const form = root.querySelector("[data-form=give]");
    // Someone may have joined since this view: refresh the names when choosing.
    form.elements.to_id.addEventListener("focus", () => this.fill(root, ctx));
    const f = form.elements;
    sendForm(
      form,
      ctx,
      () => [
        "feedback.give",
        { to_id: Number(f.to_id.value || 0), behaviour: f.behaviour.value, feeling: f.feeling.value, effect: f.effect.value, wish: f.wish.value },
      ],
      {
        okText: S("sent"),
        after: (ack) => {
          if (ack.ok) for (const k of PARTS) f[k].value = "";
        },
      },
    );
  },
  update(root, view, ctx) {
    const ex = root.querySelector("[data-list=example]");
    if (!ex.children.length) ex.replaceChildren(...fourG(ctx, view.example).children);
    this.rev = view.people_rev;
    const select = root.querySelector("[data-form=give] select");
    // The names once, then again when choosing (focus): a join does not make every
    // phone ask at once.
    if (!select.dataset.people || known(this.rev)) this.fill(root, ctx);
    const me = ctx.me || {};
    const received = me.received || [];
    const sent = me.sent || [];
    root.querySelector("[data-part=received]").hidden = !received.length;
    root.querySelector("[data-part=sent]").hidden = !sent.length;
    keyedReceived(root.querySelector("[data-list=received]"), received, ctx);
    root.querySelector("[data-list=sent]").replaceChildren(
      ...sent.map((f) =>
        el("li", { class: "card", "data-id": String(f.id) },
          el("p", { class: "meta", text: f.to_team ? S("to_team") : S("to_name", { name: f.to }) }),
          fourG(ctx, f),
          f.shown ? el("p", { class: "meta", text: S("on_board") }) : null,
          replyLine(ctx, f.reply, false)),
      ),
    );
  },
};

// Received feedback has an answer form: keep each card (and what is typed) across updates.
function keyedReceived(list, items, ctx) {
  keyed(list, items, (f) => receivedCard(f, ctx), (node, f) => {
    node.querySelector("[data-slot=reply]").replaceChildren(...[replyLine(ctx, f.reply, true)].filter(Boolean));
    node.querySelector("form").hidden = Boolean(f.reply);
  });
}

function receivedCard(f, ctx) {
  const base = `fb-reply-${f.id}`;
  const kinds = ["heard", "question"].map((kind, i) =>
    el("div", { class: "check" },
      el("input", { type: "radio", name: "kind", id: `${base}-${kind}`, value: kind, checked: i === 0 }),
      el("label", { for: `${base}-${kind}`, text: S(kind) })));
  const text = el("textarea", { id: `${base}-text`, name: "text", rows: "2", maxlength: "600" });
  const status = el("p", { class: "form-status", role: "status" });
  const form = el("form", { class: "stack" },
    el("fieldset", {}, el("legend", { text: S("answer") }), ...kinds),
    el("label", { for: `${base}-text`, class: "visually-hidden", text: S("answer") }),
    text,
    el("button", { type: "submit", text: S("answer") }),
    status);
  sendForm(form, ctx, () => ["feedback.reply", { feedback_id: f.id, kind: form.elements.kind.value, text: text.value }], {
    draft: `reply:${f.id}`,
  });
  return el("li", { class: "card", "data-id": String(f.id) },
    el("p", { class: "meta", text: S("from", { name: f.from || t("anonymous") }) }),
    fourG(ctx, f), el("div", { "data-slot": "reply" }), form);
}

export const board = {
  mount(root) {
    root.append(fromTemplate("feedback-board"));
  },
  update(root, view, ctx) {
    const parts = root.querySelector("[data-list=parts]");
    if (!parts.children.length) {
      parts.replaceChildren(...view.parts.map((p) => el("li", { text: p.label })));
      root.querySelector("[data-list=example]").replaceChildren(...fourG(ctx, view.example).children);
    }
    root.querySelector("[data-field=counts]").textContent = counts(ctx, view.counts);
    // One focus: the 4G shape until team feedback is shown, then that feedback.
    root.querySelector(".four-g-board").hidden = view.team.length > 0;
    root.querySelector("[data-part=team]").hidden = !view.team.length;
    root.querySelector("[data-list=team]").replaceChildren(
      ...view.team.map((f) => el("li", { class: "card", "data-id": String(f.id) }, fourG(ctx, f))),
    );
  },
};

export const control = {
  mount(root) {
    root.append(fromTemplate("feedback-control"));
  },
  update(root, view, ctx) {
    root.querySelector("[data-field=counts]").textContent = counts(ctx, view.counts);
    const list = root.querySelector("[data-list=team]");
    list.replaceChildren(
      ...(view.team.length
        ? view.team.map((f) =>
            el("li", { class: "card", "data-id": String(f.id) },
              fourG(ctx, f),
              el("button", {
                type: "button",
                "aria-pressed": String(f.shown),
                text: f.shown ? S("hide") : S("show"),
                onclick: (e) => press(ctx, "feedback.show", { feedback_id: f.id, shown: !f.shown }, e.currentTarget),
              }),
              f.shown ? spotlightButton(ctx, "feedback", f.id) : null))
        : [el("li", { text: S("none_team") })]),
    );
  },
};
