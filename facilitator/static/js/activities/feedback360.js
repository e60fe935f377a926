// The 360 round: the phone asks colleagues here, makes links for people outside (a page of
// the server shows the link once), answers colleagues who ask, and shows its own results,
// which the server has already merged to groups of at least the minimum.
import { known, people } from "../core/people.js";
import { sendForm } from "../core/send.js";
import { el, fromTemplate } from "../core/dom.js";
import { scoped } from "../core/strings.js";

const S = scoped("feedback360");

function code() {
  return document.body.dataset.code || "";
}

function group(g) {
  return el("section", { class: "card f360-group", "data-group": g.key },
    el("h3", { text: `${g.label} · ${S("count", { n: g.count })}` }),
    el("dl", {}, ...g.scales.flatMap((s) => [
      el("dt", { text: s.text }),
      el("dd", { text: S("mean", { mean: s.mean_text }) }),
    ])),
    ...g.texts.flatMap((t) => [el("h4", { text: t.label }), el("ul", {}, ...t.answers.map((a) => el("li", { text: a })))]));
}

export const phone = {
  async fill(root, ctx) {
    const rev = this.rev;
    const colleagues = await people(ctx.live, rev);
    const select = root.querySelector("[data-form=ask] select");
    if (!colleagues || !select || rev !== this.rev) return;
    const mine = ctx.me && ctx.me.self_id;
    const key = JSON.stringify([mine, colleagues]);
    if (select.dataset.people === key) return;
    const chosen = select.value;
    select.dataset.people = key;
    select.replaceChildren(...colleagues.filter((c) => c.id !== mine).map((c) => el("option", { value: String(c.id), text: c.name })));
    if (chosen) select.value = chosen;
  },
  mount(root, ctx) {
    root.append(fromTemplate("feedback360-phone"));
    const form = root.querySelector("[data-form=ask]");
    form.elements.to_id.addEventListener("focus", () => this.fill(root, ctx));
    sendForm(form, ctx, () => ["three_sixty.ask", { to_id: Number(form.elements.to_id.value || 0) }], {
      okText: S("asked"),
    });
    // The link for someone outside is a page of its own (an HTTP form): a double tap
    // must not make two links, so the form goes once per page.
    const outside = root.querySelector("[data-form=outside]");
    if (outside) {
      outside.addEventListener("submit", (e) => {
        if (outside.dataset.sent) e.preventDefault();
        outside.dataset.sent = "1";
      });
    }
  },
  update(root, view, ctx) {
    root.querySelector("[data-field=intro]").textContent = S("intro", { min: view.minimum });
    const hint = root.querySelector("[data-field=outside-hint]");
    if (hint) hint.textContent = S("outside_hint", { date: view.links_until });
    this.rev = view.people_rev;
    const select = root.querySelector("[data-form=ask] select");
    if (!select.dataset.people || known(this.rev)) this.fill(root, ctx);
    const me = ctx.me || {};
    const toAnswer = me.to_answer || [];
    const asked = me.asked || [];
    root.querySelector("[data-part=to-answer]").hidden = !toAnswer.length;
    root.querySelector("[data-list=to-answer]").replaceChildren(
      ...toAnswer.map((i) => el("li", { class: "card", "data-id": String(i.id) },
        el("a", { class: "button primary", href: `/w/${code()}/360/answer/${i.id}`, text: S("answer", { name: i.name }) }))),
    );
    root.querySelector("[data-part=mine]").hidden = !asked.length;
    root.querySelector("[data-list=mine]").replaceChildren(
      ...asked.map((i) => el("li", { "data-id": String(i.id),
        text: `${i.outside ? `${S(i.perspective)} (${S("outside_person")})` : i.name} · ${i.answered ? S("answered") : S("waiting")}` })),
    );
    const res = me.results;
    root.querySelector("[data-part=results]").hidden = !res;
    if (res) {
      const parts = res.groups.map(group);
      if (!res.groups.length) parts.push(el("p", { text: S("none_yet", { min: res.minimum }) }));
      if (res.held_back) parts.push(el("p", { class: "hint", text: S("held_back", { n: res.held_back }) }));
      root.querySelector("[data-list=results]").replaceChildren(...parts);
    }
  },
};

export const board = {
  mount(root) {
    root.append(fromTemplate("feedback360-board"));
  },
  update(root, view) {
    root.querySelector("[data-field=counts]").textContent = view.counts_text;
  },
};

export const control = {
  mount(root, ctx) {
    root.append(fromTemplate("feedback360-control"));
    const form = root.querySelector("[data-form=days]");
    const days = form.elements.link_days;
    sendForm(form, ctx, () => ["three_sixty.configure", { item_id: ctx.item.id, link_days: Number(days.value || 0) }], {
      okText: S("saved"),
      after: () => delete days.dataset.dirty,
    });
    days.addEventListener("input", () => (days.dataset.dirty = "1"));
  },
  update(root, view) {
    root.querySelector("[data-field=counts]").textContent = view.counts_text;
    const days = root.querySelector("[name=link_days]");
    // Never overwrite what the facilitator is typing.
    if (!days.dataset.dirty && document.activeElement !== days) days.value = String(view.link_days);
  },
};
