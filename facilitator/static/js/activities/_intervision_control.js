// Intervision on the control page: make groups, pick and adjust the method, settings,
// and the overview of every group's phase and time (content only with the setting on).
import { press, sendForm } from "../core/send.js";
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { t } from "../core/strings.js";
import { mountAgain, renderAgain } from "./_intervision_again.js";
import { autoSync, clock, groupName, phaseOf, s, secondsLeft, sizeWarning } from "./_intervision_common.js";

export const control = {
  // Work in progress for the control page's "leave this item?" question: a group whose
  // phase runs or is paused.
  busy(view) {
    const started = (view.groups || []).some((g) => ["running", "paused"].includes(g.timer && g.timer.state));
    return started ? ["groups"] : [];
  },
  mount(root, ctx) {
    root.append(fromTemplate("intervision-control"));
    root._asked = new Set();
    const act = (op, data) => press(ctx, op, data);
    const item = () => ctx.item.id;

    $("[data-do=groups_make]", root).addEventListener("click", async (e) => {
      const size = Number($("[data-form=configure]", root).elements.group_size.value) || 4;
      const ack = await press(ctx, "intervision.groups_make", { item_id: item(), size }, e.currentTarget);
      // Say what came of it: fewer or smaller groups than asked for are no surprise then.
      if (ack && ack.ok) {
        const { people, sizes } = ack.result;
        $("[data-field=groups_made]", root).textContent = s("groups_made", { people, size, sizes: sizes.join(", ") });
      }
    });
    $("[data-do=group_add]", root).addEventListener("click", () => act("intervision.group_add", { item_id: item() }));
    // Every group at once: what came of it is said, with the groups still waiting for a case.
    const all = async (e, op, data, done) => {
      const ack = await press(ctx, op, { item_id: item(), ...data }, e.currentTarget);
      if (ack && ack.ok) {
        const { no_case: waiting } = ack.result;
        const said = [s(done, { n: ack.result.started ?? ack.result.moved })];
        if (waiting) said.push(s("waiting_case", { n: waiting }));
        $("[data-field=all_groups]", root).textContent = said.join(" ");
      }
    };
    $("[data-do=start_all]", root).addEventListener("click", (e) => all(e, "intervision.start_all", {}, "started_all"));
    $("[data-do=advance_all]", root).addEventListener("click", (e) =>
      all(e, "intervision.advance_all", { from_phase: Number(e.currentTarget.dataset.from) }, "moved_all"),
    );

    const configure = $("[data-form=configure]", root);
    configure.addEventListener("input", () => (configure.dataset.dirty = "1"));
    sendForm(
      configure,
      ctx,
      () => ["intervision.configure", { item_id: item(), group_size: Number(configure.elements.group_size.value), grouping: configure.elements.grouping.value }],
      { draft: "", after: () => {} },
    );

    const method = $("[data-form=method]", root);
    sendForm(method, ctx, () => ["intervision.method_use", { item_id: item(), method: method.elements.method.value }], {
      draft: "",
      after: () => {},
    });

    const phases = $("[data-form=phases]", root);
    phases.addEventListener("input", () => (phases.dataset.dirty = "1"));
    const f = phases.elements;
    const buildSteps = () => {
      const steps = [];
      for (const row of phases.querySelectorAll("[data-phase]")) {
        if (!row.querySelector("input[type=checkbox]").checked) continue;
        steps.push({ key: row.dataset.phase, minutes: Number(row.querySelector("input[type=number]").value) });
      }
      if (f.new_title.value.trim()) {
        steps.push({
          title: f.new_title.value, instruction: f.new_instruction.value,
          minutes: Number(f.new_minutes.value), contribution: f.new_kind.value,
        });
      }
      return ["intervision.method_adjust", { item_id: item(), steps }];
    };
    sendForm(phases, ctx, buildSteps, {
      after: (ack) => {
        if (!ack.ok) return;
        f.new_title.value = "";
        f.new_instruction.value = "";
        root._outline = null; // rebuild from the server's version
        if (root._view) renderPhases(root, root._view);
      },
    });

    const save = $("[data-form=save]", root);
    sendForm(save, ctx, () => ["intervision.method_save", { item_id: item(), name: save.elements.name.value }]);

    const settings = $("[data-form=settings]", root);
    settings.addEventListener("change", () =>
      act("intervision.settings", {
        content_visible: settings.elements.content_visible.checked,
        auto_advance: settings.elements.auto_advance.checked,
      }),
    );
    mountAgain(root, ctx);
    ctx.every(1000, () => tick(root, ctx));
  },

  update(root, view, ctx) {
    root._view = view;
    const configure = $("[data-form=configure]", root);
    if (!configure.dataset.dirty && !configure.contains(document.activeElement)) {
      configure.elements.group_size.value = view.config.group_size;
      configure.elements.grouping.value = view.config.grouping;
    }
    const settings = $("[data-form=settings]", root);
    settings.elements.content_visible.checked = view.settings.content_visible;
    settings.elements.auto_advance.checked = view.settings.auto_advance;
    renderMethodChoice(root, view, ctx);
    renderPhases(root, view);
    renderGroups(root, view, ctx);
    renderUnassigned(root, view, ctx);
    renderAgain(root, view, ctx);
    renderContent(root, view, ctx);
    renderTables(root, view, ctx);
    tick(root, ctx);
  },
};

function methodOptions(view) {
  return [...view.library, ...view.own].map((m) => el("option", { value: m.ref }, m.title));
}

function renderMethodChoice(root, view) {
  const select = $("[data-form=method]", root).elements.method;
  if (document.activeElement !== select) {
    select.replaceChildren(...methodOptions(view));
    select.value = view.config.method;
  }
  $("[data-field=method_summary]", root).textContent = view.method ? view.method.summary : "";
}

function renderPhases(root, view) {
  const form = $("[data-form=phases]", root);
  const outline = JSON.stringify(view.method);
  // Never rebuild the editor under the facilitator's hands.
  if (outline === root._outline || form.dataset.dirty || form.contains(document.activeElement)) return;
  root._outline = outline;
  const list = $("[data-list=phases]", root);
  list.replaceChildren(
    ...(view.method ? view.method.phases : []).map((p, i) =>
      el(
        "li",
        { "data-phase": p.key, class: "iv-phase-row" },
        el("label", { class: "check" }, el("input", { type: "checkbox", checked: true, id: `iv-keep-${i}` }), p.title),
        el("label", { for: `iv-min-${i}`, class: "visually-hidden" }, p.title),
        el("input", { type: "number", id: `iv-min-${i}`, min: "1", max: "180", value: String(p.minutes), inputmode: "numeric" }),
      ),
    ),
  );
}

function stateText(ctx, g) {
  const left = secondsLeft(g.timer, ctx.live);
  if (g.timer.state === "done") return s("done");
  if (left === null) return `${s("ready")} · ${s("minutes_n", { n: g.timer.minutes })}`;
  if (g.timer.state === "paused") return `${clock(left)} (${s("paused")})`;
  if (left >= 0) return clock(left);
  // Whole minutes over only: 15 seconds past the end is not "1 min over".
  const over = Math.floor(-left / 60);
  return `${clock(left)} · ${over >= 1 ? s("stuck", { m: over }) : s("over")}`;
}

function tick(root, ctx) {
  const view = root._view;
  if (!view) return;
  for (const g of view.groups) {
    const cell = root.querySelector(`[data-time="${g.id}"]`);
    if (!cell) continue;
    cell.textContent = stateText(ctx, g);
    const left = secondsLeft(g.timer, ctx.live);
    cell.closest("tr").classList.toggle("iv-stuck", g.timer.state === "running" && left !== null && left < 0);
  }
  if (view.settings.auto_advance) autoSync(ctx.live, view.groups.map((g) => g.timer), root._asked);
}

function steer(ctx, g) {
  const act = (op, data = {}) => () => press(ctx, op, { group_id: g.id, ...data });
  const state = g.timer.state;
  const buttons = [];
  const button = (key, label, handler) => el("button", { type: "button", "data-key": `${key}-${g.id}`, onclick: handler }, label);
  if (state === "ready") buttons.push(button("start", s("do_start"), act("intervision.start")));
  if (state === "running") buttons.push(button("pause", s("do_pause"), act("intervision.pause")));
  if (state === "paused") buttons.push(button("resume", s("do_resume"), act("intervision.resume")));
  if (state === "running" || state === "paused") buttons.push(button("extend", s("do_extend"), act("intervision.extend", { seconds: 120 })));
  if (state !== "done") buttons.push(button("advance", s("do_advance"), act("intervision.advance", { from_phase: g.phase.index })));
  return buttons;
}

// "Every group": start those waiting; move on those in the earliest phase any group is
// in (the laggards catch up; groups ahead stay where they are).
function renderAllGroups(root, view) {
  const open = view.groups.filter((g) => g.timer.state !== "done");
  $("[data-part=all-groups]", root).hidden = view.groups.length < 2;
  $("[data-do=start_all]", root).hidden = !open.some((g) => g.timer.state === "ready");
  const advance = $("[data-do=advance_all]", root);
  advance.hidden = !open.length;
  if (!open.length) return;
  const from = Math.min(...open.map((g) => g.phase.index));
  const count = open.filter((g) => g.phase.index === from).length;
  advance.dataset.from = String(from);
  advance.textContent = s("advance_all", { phase: from + 1, count });
}

function renderGroups(root, view, ctx) {
  const body = $("[data-list=groups]", root);
  $("[data-part=no-groups]", root).hidden = view.groups.length > 0;
  renderAllGroups(root, view);
  rebuild(body, [
      ...view.groups.map((g) => {
        const waiting = g.timer.state === "ready" && g.phase.index === 0;
        const method = waiting
          ? el("select", {
              "aria-label": `${s("group_n", { n: g.number })}`, "data-key": `method-${g.id}`,
              onchange: (e) => press(ctx, "intervision.group_method", { group_id: g.id, method: e.target.value }),
            }, ...methodOptions(view))
          : g.method;
        if (waiting) method.value = g.method_key;
        return el(
          "tr",
          { "data-group": String(g.id) },
          el("th", { scope: "row", text: groupName(ctx, g) }),
          el("td", {}, method, sizeWarning(g)),
          el("td", {}, el("strong", { text: g.phase.title }), el("br"), phaseOf(ctx, g)),
          el("td", { "data-time": String(g.id), class: "iv-time" }),
          el("td", {}, el("ul", { class: "iv-roles" }, ...g.members.map((m) =>
            el("li", { text: `${m.name || t("anonymous")}${m.role !== "member" ? ` · ${s(m.role)}` : ""}` })))),
          el("td", {}, el("div", { class: "buttons" }, ...steer(ctx, g))),
        );
      }),
    ]);
}

function renderUnassigned(root, view, ctx) {
  const list = $("[data-list=unassigned]", root);
  $("[data-part=unassigned]", root).hidden = !view.unassigned.length || !view.groups.length;
  if (list.contains(document.activeElement)) return;
  list.replaceChildren(
    ...view.unassigned.map((p) =>
      el("li", {}, el("span", { text: p.name || t("anonymous") }), " ",
        el("select", {
          "aria-label": p.name || t("anonymous"),
          onchange: (e) => e.target.value && press(ctx, "intervision.assign", {
            item_id: ctx.item.id, participant_id: p.id, group_id: Number(e.target.value),
          }),
        }, el("option", { value: "" }, "…"), ...view.groups.map((g) => el("option", { value: String(g.id) }, groupName(ctx, g))))),
    ),
  );
}

function renderContent(root, view, ctx) {
  const on = view.settings.content_visible;
  $("[data-part=content]", root).hidden = !on;
  if (!on) return;
  $("[data-list=content]", root).replaceChildren(
    ...view.groups.filter((g) => g.content).map((g) =>
      el("details", {}, el("summary", { text: groupName(ctx, g) }),
        g.content.case ? el("p", { class: "iv-case", text: g.content.case }) : null,
        el("ul", { class: "iv-list" }, ...g.content.contributions.map((c) =>
          el("li", {}, el("span", { class: "hint", text: `${c.phase}: ` }), c.text))),
        g.content.takeaway ? el("p", { class: "iv-takeaway", text: g.content.takeaway }) : null),
    ),
  );
}

// One link per group for a tablet at its table, and the same link as a QR code to scan
// with that tablet. Rebuilt only when the groups change, so an open QR code stays open.
function renderTables(root, view, ctx) {
  $("[data-part=tables]", root).hidden = !view.groups.length;
  const key = view.groups.map((g) => g.table_path).join(" ");
  if (root._tables === key) return;
  root._tables = key;
  const base = document.body.dataset.publicBase || "";
  $("[data-list=tables]", root).replaceChildren(
    ...view.groups.map((g) => {
      const url = base + g.table_path;
      return el(
        "li",
        { "data-table": String(g.number) },
        el("a", { href: url, target: "_blank", rel: "noopener", class: "iv-table-link" },
          `${s("table_screen")} · ${groupName(ctx, g)}`),
        el("details", {}, el("summary", { text: s("table_qr", { n: g.number }) }),
          el("img", { class: "qr iv-table-qr", loading: "lazy", alt: `${s("table_screen")} · ${groupName(ctx, g)}: ${url}`,
            src: `/w/${encodeURIComponent(document.body.dataset.code)}/table/${g.number}/qr.svg` })),
      );
    }),
  );
}
