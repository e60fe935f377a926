// The dilemma game: private choices (or a slider), reveal, arguments, revote with shift.
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { spotlightButton } from "../core/spotlight.js";
import { press, sendForm } from "../core/send.js";
import { t } from "../core/strings.js";
import { boardBars, boardCard } from "./_board.js";
import { LETTERS, bars, dilemmaCard } from "./_dilemmas.js";

const BANDS = ["0–19", "20–39", "40–59", "60–79", "80–100"];

function roundLabel(round, ctx) {
  return round ? t(`dilemma_game.round_${round.kind}`, { n: round.number }) : "";
}

function distributionNodes(round, view, ctx) {
  if (!round || !round.distribution) return [];
  const d = round.distribution;
  if (round.mode === "slider") {
    return [
      el("p", { class: "poles-legend", text: `0 = ${view.labels[0]} · 100 = ${view.labels[1]}` }),
      bars(d.bands.map((count, i) => ({ label: BANDS[i], count, percent: d.total ? Math.round((100 * count) / d.total) : 0 })), d.total, undefined, { share: true }),
      d.mean === null ? null : el("p", { text: t("dilemma_game.mean", { n: d.mean }) }),
    ].filter(Boolean);
  }
  // The share of the participants, as in the shift chart: 35 % is never drawn full width.
  return [bars(d.options.map((o, i) => ({ label: `${LETTERS[i]}. ${o.label}`, count: o.count, percent: o.percent })), d.total, undefined, { share: true })];
}

/** An option (or a slider band) by its letter and label. */
function optionName(view, i) {
  return view.mode === "slider" ? view.shift_chart.rows[i].label : `${LETTERS[i]}. ${view.labels[i]}`;
}

/**
 * Every revealed round on one scale (the share of that round's participants), per
 * option one bar per round; below it how many moved from which option to which.
 * The server computes it all (shift_chart, shift.moves): counts, never names.
 */
function shiftNodes(view, ctx) {
  const chart = view.shift_chart;
  if (!chart) return [];
  const rounds = view.rounds || [];
  const byNumber = Object.fromEntries(rounds.map((r) => [r.number, r]));
  const latest = rounds.filter((r) => r.shift).pop();
  const moves = latest ? latest.shift.moves : [];
  return [
    el(
      "div",
      { class: "shift shift-chart" },
      chart.rows.map((row) =>
        el(
          "section",
          {},
          el("h3", { text: optionName(view, row.option) }),
          bars(
            row.shares.map((share) => ({ label: roundLabel(byNumber[share.number], ctx), count: share.count, percent: share.percent })),
            null,
            (r) => r.label,
            { share: true },
          ),
        ),
      ),
      latest
        ? el("p", { class: "shift-summary", text: t("dilemma_game.changed", { n: latest.shift.changed, both: latest.shift.both }) })
        : null,
      moves.length
        ? el(
            "ul",
            { class: "shift-moves" },
            moves.map((m) => el("li", { text: t("dilemma_game.moved", { n: m.count, from: optionName(view, m.from), to: optionName(view, m.to) }) })),
          )
        : null,
    ),
  ];
}

function argumentNodes(view, ctx, remove) {
  return (view.arguments || []).map((group) =>
    el(
      "section",
      { class: "argument-column" },
      el("h4", { text: `${LETTERS[group.option]}. ${group.label}` }),
      group.arguments.length
        ? el(
            "ul",
            {},
            group.arguments.map((a) =>
              el(
                "li",
                {},
                typeof a === "string" ? a : a.text,
                remove && a.support ? el("span", { class: "support-count", text: ` ${t("dilemma_game.support_count", { n: a.support })}` }) : null,
                remove && a.approved === false
                  ? el("button", { type: "button", "data-key": `argok:${a.id}`, text: t("dilemma_collect.approve"), onclick: (e) => press(ctx, "dilemma_game.approve_argument", { argument_id: a.id }, e.currentTarget) })
                  : null,
                remove && typeof a !== "string"
                  ? el("button", { type: "button", class: "link", "data-key": `arg:${a.id}`, text: t("dilemma_collect.delete"), onclick: (e) => press(ctx, "dilemma_game.remove_argument", { argument_id: a.id }, e.currentTarget) })
                  : null,
                remove && typeof a !== "string" ? spotlightButton(ctx, "argument", a.id) : null,
              ),
            ),
          )
        : el("p", { class: "hint", text: t("dilemma_game.no_arguments") }),
    ),
  );
}

function showStage(root, view, ctx) {
  const round = view.round;
  const waiting = $("[data-field=waiting]", root);
  if (waiting) waiting.textContent = view.dilemma ? "" : t("dilemma_game.waiting");
  rebuild($("[data-list=dilemma]", root), view.dilemma ? [dilemmaCard(view.dilemma, ctx)] : []);
  $("[data-field=round]", root).textContent = roundLabel(round, ctx);
  $("[data-field=variation]", root).textContent = (round && round.variation) || "";
  const chosen = $("[data-field=chosen]", root);
  if (chosen) chosen.textContent = round && !round.revealed ? t("dilemma_game.chosen", { n: round.chosen }) : "";
  rebuild($("[data-list=distribution]", root), distributionNodes(round, view, ctx));
}

/** The split (or histogram) of a round, drawn with the board's bars. */
function boardDistribution(round, view) {
  if (!round || !round.distribution) return [];
  const d = round.distribution;
  if (round.mode === "slider") {
    return [
      el("p", { class: "poles-legend", text: `0 = ${view.labels[0]} · 100 = ${view.labels[1]}` }),
      el("div", { class: "histogram" }, boardBars(d.bands.map((count, i) => ({ label: BANDS[i], count })), d.total)),
      d.mean === null ? null : el("p", { text: t("dilemma_game.mean", { n: d.mean }) }),
    ].filter(Boolean);
  }
  return [boardBars(d.options.map((o, i) => ({ label: `${LETTERS[i]}. ${o.label}`, count: o.count })), d.total)];
}

/** Before and after as bars per option letter (the options are on the card beside). */
function boardShift(view, ctx) {
  const rounds = view.rounds || [];
  const after = rounds[rounds.length - 1];
  if (!after || !after.shift) return [];
  const before = rounds[rounds.length - 2];
  const lettered = (round) => {
    const d = round.distribution;
    if (round.mode === "slider") return boardDistribution(round, view);
    return [boardBars(d.options.map((o, i) => ({ label: `${LETTERS[i]}.`, count: o.count })), d.total)];
  };
  return [
    el(
      "div",
      { class: "shift" },
      el("section", {}, el("h3", { text: `${t("dilemma_game.before")}: ${roundLabel(before, ctx)}` }), lettered(before)),
      el("section", {}, el("h3", { text: `${t("dilemma_game.after")}: ${roundLabel(after, ctx)}` }), lettered(after)),
      el("p", { class: "shift-summary", text: t("dilemma_game.changed", { n: after.shift.changed, both: after.shift.both }) }),
    ),
  ];
}

/** Every option's column with this page's arguments (the page line is in the foot). */
function boardArguments(view) {
  return (view.arguments || []).map((group) =>
    el(
      "section",
      { class: "argument-column" },
      el("h4", { text: `${LETTERS[group.option]}. ${group.label} (${group.count})` }),
      group.arguments.length
        ? el("ul", {}, group.arguments.map((a) => el("li", { text: a })))
        : el("p", { class: "hint", text: group.count ? "" : t("dilemma_game.no_arguments") }),
    ),
  );
}

export const board = {
  mount(root) {
    root.append(fromTemplate("dilemma_game-board"));
  },
  update(root, view, ctx) {
    const round = view.round;
    const args = view.dilemma && view.focus === "arguments";
    // A page of arguments shows the case in one line; the first page the case and result.
    root.dataset.focus = args ? "arguments" : "result";
    $("[data-field=waiting]", root).textContent = view.dilemma ? "" : t("dilemma_game.waiting");
    $("[data-field=case]", root).textContent = args ? `#${view.dilemma.number} ${view.dilemma.title}` : "";
    $(".game-board", root).hidden = Boolean(args);
    rebuild($("[data-list=dilemma]", root), view.dilemma ? [boardCard(view.dilemma)] : []);
    $("[data-field=round]", root).textContent = roundLabel(round, ctx);
    $("[data-field=variation]", root).textContent = (round && round.variation) || "";
    $("[data-field=chosen]", root).textContent = round && !round.revealed ? t("dilemma_game.chosen", { n: round.chosen }) : "";
    // After a revote the shift shows both rounds; otherwise the latest split.
    const shift = boardShift(view, ctx);
    rebuild($("[data-list=distribution]", root), shift.length ? [] : boardDistribution(round, view));
    rebuild($("[data-list=shift]", root), shift);
    rebuild($("[data-list=arguments]", root), args ? boardArguments(view) : []);
    $(".arguments", root).hidden = !args;
  },
};

/** The phone's list of approved arguments, each with a "support" button (once each). */
function supportNodes(view, ctx) {
  const supported = new Set((ctx.me && ctx.me.supported) || []);
  return (view.arguments || [])
    .filter((g) => g.arguments.length)
    .map((g) =>
      el(
        "section",
        { class: "argument-column" },
        el("h3", { text: `${LETTERS[g.option]}. ${g.label}` }),
        el(
          "ul",
          { class: "plain-list" },
          g.arguments.map((a) => {
            const done = supported.has(a.id);
            return el(
              "li",
              {},
              el("p", { text: a.text }),
              el("button", {
                type: "button",
                "data-key": `support:${a.id}`,
                "aria-pressed": String(done),
                disabled: done,
                text: done ? t("dilemma_game.supported") : t("dilemma_game.support"),
                onclick: (e) => press(ctx, "dilemma_game.support", { argument_id: a.id }, e.currentTarget),
              }),
            );
          }),
        ),
      ),
    );
}

export const phone = {
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_game-phone"));
    const slider = $("[name=value]", root);
    $("[data-do=slide]", root).addEventListener("click", () =>
      press(ctx, "dilemma_game.choose", { round_id: Number(root.dataset.round), value: Number(slider.value) }),
    );
    const form = $("[data-form=argue]", root);
    sendForm(form, ctx, () => ["dilemma_game.argue", { option: Number(form.elements.option.value), text: form.elements.text.value }], {
      after: (ack) => {
        if (ack.ok) form.elements.text.value = "";
      },
    });
  },
  update(root, view, ctx) {
    showStage(root, view, ctx);
    const round = view.round;
    const mine = ctx.me && ctx.me.choice && round && ctx.me.choice.round_id === round.id ? ctx.me.choice : null;
    const box = $("[data-box=choice]", root);
    box.hidden = !round || round.state !== "open";
    const labels = view.labels || [];
    root.dataset.round = round ? String(round.id) : "";
    const slider = round && round.mode === "slider";
    $("[data-box=slider]", root).hidden = !slider;
    // Until the reveal a choice can be changed: the chosen option is marked, none is disabled.
    $("[data-do=slide]", root).textContent = mine ? t("dilemma_game.change_position") : t("dilemma_game.send_position");
    if (slider) {
      $("[data-field=slider-label]", root).textContent = `${labels[0]} ↔ ${labels[1]}`;
      $("[data-field=pole-a]", root).textContent = labels[0];
      $("[data-field=pole-b]", root).textContent = labels[1];
    }
    rebuild(
      $("[data-list=choices]", root),
      round && !slider
        ? labels.map((label, i) =>
            el("button", {
              type: "button",
              class: mine && mine.option === i ? "choice primary" : "choice",
              "aria-pressed": String(Boolean(mine && mine.option === i)),
              "data-key": `choice:${round.id}:${i}`,
              text: `${LETTERS[i]}. ${label}`,
              onclick: (e) => press(ctx, "dilemma_game.choose", { round_id: round.id, option: i }, e.currentTarget),
            }),
          )
        : [],
    );
    let mineText = "";
    if (mine) {
      const choice = mine.option !== null ? `${LETTERS[mine.option]}. ${labels[mine.option]}` : `${mine.value}`;
      mineText = `${t("dilemma_game.your_choice", { choice })} ${round.state === "open" ? t("dilemma_game.can_change") : ""}`.trim();
    }
    else if (round && round.state !== "open") mineText = t("dilemma_game.closed_round");
    $("[data-field=mine]", root).textContent = mineText;
    const form = $("[data-form=argue]", root);
    form.hidden = !view.dilemma;
    const select = form.elements.option;
    // An argument names one of the dilemma's own options (all of them, with a slider too).
    const options = view.dilemma ? view.dilemma.options : [];
    const wanted = options.map((l, i) => `${LETTERS[i]}. ${l}`).join("|");
    if (select.dataset.labels !== wanted) {
      select.replaceChildren(...options.map((l, i) => el("option", { value: String(i), text: `${LETTERS[i]}. ${l}` })));
      select.dataset.labels = wanted;
    }
    const own = (ctx.me && ctx.me.arguments) || [];
    rebuild(
      $("[data-list=my-arguments]", root),
      own.map((a) => el("li", { text: `${LETTERS[a.option]}: ${a.text}${a.approved === false ? ` (${t("dilemma_collect.pending")})` : ""}` })),
    );
    const supportable = supportNodes(view, ctx);
    $("[data-box=support]", root).hidden = !supportable.length;
    rebuild($("[data-list=support]", root), supportable);
  },
};

export const control = {
  // Work in progress for the control page's "leave this item?" question.
  busy(view) {
    return view.round && view.round.state === "open" ? ["round"] : [];
  },
  mount(root, ctx) {
    root.append(fromTemplate("dilemma_game-control"));
    for (const button of root.querySelectorAll("[data-do]")) {
      button.addEventListener("click", () => press(ctx, `dilemma_game.${button.dataset.do}`, { item_id: ctx.item.id }, button));
    }
    const form = $("[data-form=variation]", root);
    sendForm(form, ctx, () => ["dilemma_game.variation", { item_id: ctx.item.id, text: form.elements.text.value }]);
    const mode = $("[name=mode]", root);
    mode.addEventListener("change", () => ($("[data-box=poles]", root).hidden = mode.value !== "slider"));
    const approval = $("[name=argument_approval]", root);
    approval.addEventListener("change", () =>
      press(ctx, "dilemma_game.settings", { item_id: ctx.item.id, argument_approval: approval.checked }),
    );
    // The control page's "r" shortcut, for as long as this item is shown.
    ctx.on(document, "facilitator:reveal", () => press(ctx, "dilemma_game.reveal", { item_id: ctx.item.id }));
  },
  update(root, view, ctx) {
    showStage(root, view, ctx);
    // The list to choose from folds away once a dilemma is on stage (once per change), so
    // the round's controls and the dilemma stay in the first screen.
    const staged = view.dilemma ? view.dilemma.id : null;
    if (root._staged !== staged) {
      $("[data-box=candidates]", root).open = staged === null;
      root._staged = staged;
    }
    const mode = $("[name=mode]", root);
    $("[name=argument_approval]", root).checked = Boolean(view.argument_approval);
    // A slider fits two options; for more, it runs between the two poles chosen here.
    const stageData = (d) => {
      const data = { item_id: ctx.item.id, dilemma_id: d.id, mode: mode.value };
      if (mode.value === "slider" && d.options.length > 2) data.poles = [Number(root.querySelector("[name=pole_a]").value), Number(root.querySelector("[name=pole_b]").value)];
      return data;
    };
    rebuild(
      $("[data-list=candidates]", root),
      view.candidates.map((d) =>
        el(
          "li",
          { class: "candidate" },
          el("span", { class: "situation", text: `#${d.number} ${d.situation}` }),
          d.dots === undefined ? null : el("span", { class: "badge", text: t("dilemma_vote.dots", { n: d.dots }) }),
          " ",
          el("button", {
            type: "button",
            "data-key": `stage:${d.id}`,
            "aria-current": view.dilemma && view.dilemma.id === d.id ? "true" : false,
            text: t("dilemma_game.stage"),
            onclick: (e) => press(ctx, "dilemma_game.stage", stageData(d), e.currentTarget),
          }),
        ),
      ),
    );
    const round = view.round;
    $("[data-do=reveal]", root).disabled = !round || round.revealed;
    $("[data-do=revote]", root).disabled = !round || !round.revealed;
    for (const field of $("[data-form=variation]", root).elements) field.disabled = !round || !round.revealed;
    rebuild($("[data-list=shift]", root), shiftNodes(view, ctx));
    rebuild($("[data-list=arguments]", root), view.dilemma ? argumentNodes(view, ctx, true) : []);
  },
};
