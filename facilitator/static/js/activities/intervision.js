// Intervision rounds: the phone of a group member, the board overview, the control page.
// Group content arrives only in the phone's own part (ctx.me), never in shared views.
import { press, sendForm } from "../core/send.js";
import { $, el, fillFields, fromTemplate, rebuild } from "../core/dom.js";
import { t } from "../core/strings.js";
import { TimerView } from "../core/timer.js";
import { autoSync, clock, groupName, phaseOf, s, secondsLeft, sizeWarning } from "./_intervision_common.js";
export { control } from "./_intervision_control.js";
export { table } from "./_intervision_table.js";

// --- board: every group's phase and time, no content -------------------------------------

export const board = {
  mount(root, ctx) {
    root.append(fromTemplate("intervision-board"));
    root._asked = new Set();
    ctx.every(1000, () => tickBoard(root, ctx));
  },
  update(root, view, ctx) {
    root._view = view;
    const list = $("[data-list=groups]", root);
    list.replaceChildren(
      ...view.groups.map((g) =>
        el(
          "li",
          { class: "iv-board-group" },
          el("h3", { text: groupName(ctx, g) }),
          el("p", { class: "iv-board-method", text: g.method }),
          el("p", { class: "iv-board-phase" }, el("strong", { text: g.phase.title }), " · ", phaseOf(ctx, g)),
          el("p", { class: "iv-board-time", "data-time": String(g.id) }),
          g.names || g.anonymous
            ? el("p", { class: "iv-board-names", text: [g.names, g.anonymous ? `${t("anonymous")}: ${g.anonymous}` : ""].filter(Boolean).join(" · ") })
            : null,
        ),
      ),
    );
    tickBoard(root, ctx);
  },
};

function timeText(ctx, g, live) {
  const left = secondsLeft(g.timer, live);
  if (g.timer.state === "done") return s("done");
  if (left === null) return `${s("ready")} · ${s("minutes_n", { n: g.timer.minutes })}`;
  const text = clock(left);
  if (g.timer.state === "paused") return `${text} (${s("paused")})`;
  return left < 0 ? `${text} · ${s("over")}` : text;
}

function tickBoard(root, ctx) {
  const view = root._view;
  if (!view) return;
  for (const g of view.groups) {
    const node = root.querySelector(`[data-time="${g.id}"]`);
    if (node) {
      node.textContent = timeText(ctx, g, ctx.live);
      node.classList.toggle("over", g.timer.over || (secondsLeft(g.timer, ctx.live) ?? 1) < 0);
    }
  }
  if (view.auto) autoSync(ctx.live, view.groups.map((g) => g.timer), root._asked);
}

// --- phone -----------------------------------------------------------------------------------

export const phone = {
  mount(root, ctx) {
    root.append(fromTemplate("intervision-phone"));
    const timerNode = $("[data-role=timer]", root);
    root._timer = new TimerView(timerNode, ctx.live, $("[data-role=alert]", root));
    ctx.own(() => root._timer.stop());
    root._asked = new Set();
    root._ctx = ctx;
    const act = (op, data) => press(ctx, op, data);
    const gid = () => root._group && root._group.id;

    for (const button of root.querySelectorAll("[data-do]")) {
      button.addEventListener("click", () => {
        const g = root._group;
        if (!g) return;
        const what = button.dataset.do;
        if (what === "extend") act("intervision.extend", { group_id: g.id, seconds: 120 });
        else if (what === "advance") act("intervision.advance", { group_id: g.id, from_phase: g.phase.index });
        else if (what === "choose_case") act("intervision.choose_case", { group_id: g.id, contribution_id: 0 });
        else act(`intervision.${what}`, { group_id: g.id });
      });
    }
    const contribute = $("[data-form=contribute]", root);
    sendForm(contribute, ctx, () => ["intervision.contribute", { group_id: gid(), text: contribute.elements.text.value }], {
      after: (ack) => {
        if (ack.ok) contribute.elements.text.value = "";
      },
    });
    const notes = $("[data-form=notes]", root);
    notes.elements.text.addEventListener("input", () => (notes.elements.text.dataset.dirty = "1"));
    // Notes and takeaway are drafts too: unsaved words survive a reload or a room move.
    sendForm(notes, ctx, () => ["intervision.note", { group_id: gid(), text: notes.elements.text.value }], {
      okText: s("saved"),
      after: () => {},
    });
    const takeaway = $("[data-form=takeaway]", root);
    takeaway.addEventListener("input", () => (takeaway.dataset.dirty = "1"));
    sendForm(
      takeaway,
      ctx,
      (form) => {
        const f = form.elements;
        return [
          "intervision.takeaway",
          { group_id: gid(), text: f.text.value, kept: f.kept.checked, manager_visible: f.manager_visible.checked, due_date: f.due_date.value || null },
        ];
      },
      { okText: s("saved"), after: () => {} },
    );
    const role = $("[data-form=role]", root);
    sendForm(
      role,
      ctx,
      () => ["intervision.role", { group_id: gid(), role: role.elements.role.value, participant_id: Number(role.elements.participant_id.value) }],
      { draft: "", after: () => {} },
    );
    ctx.every(1000, () => {
      const g = root._group;
      if (g && g.auto) autoSync(ctx.live, [g.timer], root._asked);
    });
  },

  update(root, view, ctx) {
    const mine = (ctx.me && ctx.me.group) || null;
    root._group = mine;
    $("[data-field=reads]", root).textContent = s(view.facilitator_reads ? "reads_on" : "reads_off");
    $("[data-part=nogroup]", root).hidden = Boolean(mine);
    $("[data-part=group]", root).hidden = !mine;
    if (!mine) {
      root._timer.set(null);
      renderPick(root, view, ctx);
      return;
    }
    renderGroup(root, mine, ctx);
  },
};

function renderPick(root, view, ctx) {
  const open = view.choose ? view.groups.filter((g) => g.open) : [];
  $("[data-part=pick]", root).hidden = !open.length;
  $("[data-part=wait]", root).hidden = Boolean(open.length);
  const list = $("[data-list=pick]", root);
  rebuild(list, [
      ...open.map((g) =>
        el("li", {}, el("button", {
          type: "button", class: "big", "data-key": `pick-${g.id}`,
          onclick: (e) => press(ctx, "intervision.pick", { group_id: g.id }, e.currentTarget),
        }, `${groupName(ctx, g)} · ${s("people_n", { n: g.size })}`)),
      ),
    ]);
}

function renderGroup(root, g, ctx) {
  fillFields(root, {
    group_name: groupName(ctx, g),
    method: g.method,
    phase_title: g.phase.title,
    phase_of: phaseOf(ctx, g),
    state: s(g.timer.state),
    role: s(g.role),
    instruction: g.instruction,
    case: g.case || "",
    takeaway: g.takeaway || "",
    next_label: g.next_phase ? s("next", { title: g.next_phase }) : s("finish"),
    contribute_label: s(`kind_${g.contribution}`),
  });
  const late = $("[data-part=joined_late]", root);
  late.hidden = !g.joined_late;
  late.textContent = g.joined_late ? s("joined_late") : "";
  const section = $("[data-part=group]", root);
  section.dataset.phase = String(g.phase.index);
  section.dataset.state = g.timer.state;
  section.dataset.role = g.role;
  const timerNode = $("[data-role=timer]", root);
  // The server's ends_at, for anyone who wants to check the phones of a group agree.
  timerNode.dataset.endsAt = g.timer.ends_at || "";
  timerNode.dataset.state = g.timer.state;
  root._timer.set(g.timer.state === "running" || g.timer.state === "paused" ? g.timer : null);
  $("[data-part=case]", root).hidden = !g.case;
  $("[data-part=takeaway-shown]", root).hidden = !g.takeaway || g.role === "case_holder";
  // After the round each member takes home what is theirs (web/record.py: only this phone).
  const code = encodeURIComponent(document.body.dataset.code || "");
  $("[data-part=record]", root).hidden = g.timer.state !== "done";
  $("[data-link=record-text]", root).href = `/w/${code}/record.txt`;
  $("[data-link=record-page]", root).href = `/w/${code}/record`;

  const guide = g.guide || false;
  $("[data-part=guide]", root).hidden = !guide || g.timer.state === "done";
  const state = g.timer.state;
  const show = (what, on) => ($(`[data-do=${what}]`, root).hidden = !on);
  show("start", state === "ready");
  // The guide may start a group outside the method's size, and is told so first.
  $("[data-slot=size]", root).replaceChildren(...[state === "ready" && sizeWarning(g)].filter(Boolean));
  show("pause", state === "running");
  show("resume", state === "paused");
  show("extend", state === "running" || state === "paused");
  show("choose_case", g.phase_contribution === "case" && state !== "ready");
  show("advance", state !== "done");

  renderCheckin(root, g);
  $("[data-part=listen]", root).hidden = !g.listen_only;
  $("[data-form=contribute]", root).hidden = g.contribution === "none";
  const notes = $("[data-form=notes]", root);
  notes.hidden = !(g.listen_only || g.notes);
  const area = notes.elements.text;
  if (!area.dataset.dirty && document.activeElement !== area) area.value = g.notes || "";

  const takeaway = $("[data-form=takeaway]", root);
  takeaway.hidden = !(g.role === "case_holder" && g.takeaway_phase);
  if (!takeaway.dataset.dirty && g.my_takeaway && !takeaway.contains(document.activeElement)) {
    takeaway.elements.text.value = g.my_takeaway.text;
    takeaway.elements.kept.checked = g.my_takeaway.kept;
    takeaway.elements.manager_visible.checked = g.my_takeaway.manager_visible;
    takeaway.elements.due_date.value = g.my_takeaway.due_date || "";
  }
  renderContributions(root, g, ctx);
  renderMembers(root, g, ctx);
}

// A group meeting again opens with a check-in: last time's "what I will do", only on the
// phones of members who were there (the server sends it to nobody else).
function renderCheckin(root, g) {
  const part = $("[data-part=checkin]", root);
  const checkin = g.checkin;
  part.hidden = !checkin;
  if (!checkin) return;
  const list = $("[data-list=checkin]", root);
  rebuild(list, [
    ...checkin.takeaways.map((item) =>
      el(
        "li",
        { class: "iv-item" },
        el("p", { class: "iv-text", text: item.text }),
        el("p", { class: "hint", text: [item.name || t("anonymous"), item.due_date ? s("check_by", { date: item.due_date }) : ""].filter(Boolean).join(" · ") }),
      ),
    ),
  ]);
  $("[data-part=checkin-none]", root).hidden = !checkin.returning || checkin.takeaways.length > 0;
  $("[data-part=checkin-new]", root).hidden = checkin.returning;
}

function renderContributions(root, g, ctx) {
  const list = $("[data-list=contributions]", root);
  const holder = g.role === "case_holder";
  const choosing = g.phase_contribution === "case" && g.timer.state !== "done";
  const items = g.contributions.filter((c) => c.kind !== "case" || choosing || c.id === null);
  $("[data-part=shared-title]", root).hidden = !items.length;
  rebuild(list, [
      ...items.map((c) => {
        const meta = [c.phase];
        if (c.author_id && c.author) meta.push(c.author);
        if (c.private) meta.push(s("private"));
        const parts = [el("p", { class: "iv-text", text: c.text }), el("p", { class: "hint", text: meta.join(" · ") })];
        if (c.kind === "case") parts.push(caseButtons(c, g, ctx));
        if (c.kind === "question") parts.push(ratingButtons(c, holder, ctx));
        if (c.kind === "advice") parts.push(appealButton(c, holder, ctx));
        return el("li", { class: `iv-item iv-${c.kind}${c.appeals ? " appeals" : ""}` }, ...parts);
      }),
    ]);
}

function caseButtons(c, g, ctx) {
  const mine = g.my_vote === c.id;
  // Counts come only once the vote is closed or everyone voted; until then, how many voted.
  const count = c.votes === null
    ? s("voters_n", { n: g.voters, total: g.size })
    : s("votes_n", { n: c.votes });
  const buttons = [
    el("span", { class: "badge", text: count }),
    el("button", {
      type: "button", "data-key": `vote-${c.id}`, "aria-pressed": String(mine),
      onclick: (e) => press(ctx, "intervision.vote", { group_id: g.id, contribution_id: c.id }, e.currentTarget),
    }, mine ? s("voted") : s("vote")),
  ];
  if (g.guide) {
    buttons.push(el("button", {
      type: "button", "data-key": `choose-${c.id}`,
      onclick: (e) => press(ctx, "intervision.choose_case", { group_id: g.id, contribution_id: c.id }, e.currentTarget),
    }, s("choose_this")));
  }
  return el("div", { class: "buttons" }, ...buttons);
}

function ratingButtons(c, holder, ctx) {
  if (!holder) return c.rating ? el("span", { class: "badge", text: s(c.rating) }) : null;
  return el(
    "div",
    { class: "buttons iv-rating", role: "group", "aria-label": s("rate_question") },
    ...["cold", "lukewarm", "warm"].map((rating) =>
      el("button", {
        type: "button", "data-key": `rate-${c.id}-${rating}`, "aria-pressed": String(c.rating === rating),
        onclick: (e) => press(ctx, "intervision.rate", {
          contribution_id: c.id, rating: c.rating === rating ? "none" : rating,
        }, e.currentTarget),
      }, s(rating)),
    ),
  );
}

function appealButton(c, holder, ctx) {
  if (!holder) return c.appeals ? el("span", { class: "badge", text: s("appealing") }) : null;
  return el("button", {
    type: "button", "data-key": `appeal-${c.id}`, "aria-pressed": String(c.appeals),
    onclick: (e) => press(ctx, "intervision.appeal", { contribution_id: c.id, appeals: !c.appeals }, e.currentTarget),
  }, s("appeals"));
}

function renderMembers(root, g, ctx) {
  const free = (role) => !g.members.some((m) => m.role === role);
  const list = $("[data-list=members]", root);
  rebuild(list, [
      ...g.members.map((m) =>
        el("li", {}, `${m.name || t("anonymous")}${m.id === g.me ? ` (${s("you")})` : ""} · ${s(m.role)}`)),
      ...["process_guide", "note_taker"].filter((r) => free(r) && g.role === "member").map((r) =>
        el("li", {}, el("button", {
          type: "button", "data-key": `take-${r}`,
          onclick: (e) => press(ctx, "intervision.role", { group_id: g.id, role: r, participant_id: g.me }, e.currentTarget),
        }, `${s("take_role")}: ${s(r)}`)),
      ),
    ]);
  const form = $("[data-form=role]", root);
  form.hidden = !g.guide;
  const select = form.elements.participant_id;
  if (!form.contains(document.activeElement)) {
    select.replaceChildren(...g.members.map((m) => el("option", { value: String(m.id) }, m.name || t("anonymous"))));
  }
}
