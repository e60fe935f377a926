// The maturity scan: phones rate each statement 1-5 for themselves and for their team;
// the board shows how many rated until the reveal, then group results per area
// (distribution, gap, change since last time) and where the room disagrees most.
// No view this module gets holds anyone's rating but the phone's own (`ctx.me`).
import { $, el, fromTemplate, rebuild } from "../core/dom.js";
import { press, sendForm } from "../core/send.js";
import { scoped } from "../core/strings.js";

const S = scoped("maturity_scan");
const ABOUT = ["self", "team"];
const VALUES = [1, 2, 3, 4, 5];

function number(n, signed = false) {
  const format = new Intl.NumberFormat(document.documentElement.lang || "nl", {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: signed ? "exceptZero" : "auto",
  });
  return format.format(n);
}

function stateText(view) {
  return view.revealed ? S("revealed") : S(`state_${view.state}`);
}

// The CSP forbids style attributes; a CSSOM property is allowed.
function fill(percent) {
  const node = el("span", { class: "ms-fill" });
  node.style.height = `${percent}%`;
  return node;
}

/** Five columns, one per value, the count written above each: a distribution at a glance. */
function histogram(counts, label) {
  const top = Math.max(1, ...counts);
  return el(
    "ol",
    { class: "ms-hist", "aria-label": label },
    VALUES.map((v, i) =>
      el(
        "li",
        { "aria-label": `${v}: ${counts[i]}` },
        el("span", { class: "ms-count", "aria-hidden": "true", text: String(counts[i]) }),
        el("span", { class: "ms-track", "aria-hidden": "true" }, fill(Math.round((100 * counts[i]) / top))),
        el("span", { class: "ms-value", "aria-hidden": "true", text: String(v) }),
      ),
    ),
  );
}

function changeText(area) {
  const c = area.change || {};
  const parts = ABOUT.filter((a) => c[a] !== null && c[a] !== undefined).map((a) => `${S(`${a}_short`)} ${number(c[a], true)}`);
  return parts.length ? S("change", { n: parts.join(" · ") }) : "";
}

function areaCard(area, withheld) {
  const label = S(`area_${area.area}`);
  return el(
    "article",
    { class: "ms-area", "data-area": area.area },
    el("h3", { text: label }),
    el(
      "div",
      { class: "ms-abouts" },
      ABOUT.map((about) => {
        const d = area[about];
        if (!d) return el("p", { class: "ms-about ms-withheld", text: `${S(`${about}_short`)}: ${withheld}` });
        return el(
          "div",
          { class: "ms-about", "data-about": about },
          el("p", { class: "ms-about-head", text: `${S(`${about}_short`)}: ${S("mean", { n: number(d.mean) })}` }),
          histogram(d.counts, `${label}, ${S(about)}`),
        );
      }),
    ),
    area.gap !== null ? el("p", { class: "ms-gap", text: S("gap", { n: number(area.gap, true) }) }) : null,
    changeText(area) ? el("p", { class: "ms-change", text: changeText(area) }) : null,
  );
}

function disagreeRow(d) {
  return el(
    "li",
    { class: "ms-disagree-row", "data-statement": d.key },
    el(
      "div",
      {},
      el("p", { class: "ms-statement", text: d.text }),
      el("p", { class: "ms-meta", text: `${S(`area_${d.area}`)} · ${S("mean", { n: number(d.mean) })} · ${S("spread", { n: number(d.spread) })}` }),
    ),
    histogram(d.counts, d.text),
  );
}

export const board = {
  mount(root) {
    root.append(fromTemplate("maturity_scan-board"));
  },
  update(root, view, ctx) {
    $(".ms-board", root).classList.toggle("ms-revealed", view.revealed);
    $("[data-field=state]", root).textContent = view.revealed ? "" : stateText(view);
    // The statements we disagree about take the whole stage: no count, no comparison.
    const disagree = view.revealed && view.show === "disagree";
    $("[data-field=raters]", root).textContent = disagree ? "" : S("raters", { n: view.raters });
    $("[data-field=previous]", root).textContent = view.previous && !disagree ? S("previous", { title: view.previous.workshop }) : "";
    const withheld = S("withheld", { n: 3 });
    const areas = view.revealed && view.show !== "disagree" ? view.areas || [] : [];
    rebuild(
      $("[data-list=areas]", root),
      view.revealed
        ? areas.map((a) => areaCard(a, withheld))
        : (view.areas || []).map((a) =>
            el("p", { class: "ms-area-count" }, el("strong", { text: S(`area_${a.area}`) }), ` · ${S("statements_n", { n: a.statements })}`),
          ),
    );
    $("[data-part=disagree]", root).hidden = !disagree;
    rebuild($("[data-list=disagree]", root), disagree ? (view.disagree || []).map(disagreeRow) : []);
  },
};

// --- phone ----------------------------------------------------------------------------

function scale(ctx, statement, about, n) {
  const name = `ms-${statement.key}-${about}`;
  return el(
    "fieldset",
    { class: "ms-scale", "data-about": about },
    el("legend", { text: S(`rate_${about}`) }),
    el(
      "div",
      { class: "ms-choices" },
      VALUES.map((v) =>
        el(
          "label",
          { class: "ms-choice" },
          el("input", {
            type: "radio",
            name,
            value: String(v),
            "data-key": `${name}-${v}`,
            onchange: (e) => press(ctx, "maturity_scan.rate", { statement: statement.key, about, value: v }, e.currentTarget),
          }),
          el("span", { text: String(v) }),
        ),
      ),
    ),
  );
}

function statementCard(ctx, s, n) {
  return el(
    "section",
    { class: "card ms-card", "data-statement": s.key, "aria-labelledby": `ms-st-${s.key}` },
    el("p", { class: "ms-area-label", text: S(`area_${s.area}`) }),
    el("h3", { class: "ms-statement", id: `ms-st-${s.key}`, text: `${n}. ${s.text}` }),
    ABOUT.map((about) => scale(ctx, s, about, n)),
  );
}

export const phone = {
  mount(root) {
    root.append(fromTemplate("maturity_scan-phone"));
  },
  update(root, view, ctx) {
    const list = $("[data-list=statements]", root);
    // Built once per set of statements: a push then only moves the ticks, so the
    // thumb on a radio keeps its place.
    const shape = JSON.stringify(view.statements.map((s) => [s.key, s.text]));
    if (list.dataset.shape !== shape) {
      list.dataset.shape = shape;
      rebuild(list, view.statements.map((s, i) => statementCard(ctx, s, i + 1)));
    }
    const mine = (ctx.me && ctx.me.ratings) || {};
    const open = view.state === "open";
    let done = 0;
    for (const s of view.statements) {
      const own = mine[s.key] || {};
      if (own.self && own.team) done += 1;
      for (const about of ABOUT) {
        for (const input of list.querySelectorAll(`input[name="ms-${CSS.escape(s.key)}-${about}"]`)) {
          if (input.dataset.pending) continue;
          input.checked = Number(input.value) === own[about];
          input.disabled = !open;
        }
      }
    }
    $("[data-field=state]", root).textContent = stateText(view);
    $("[data-field=rated]", root).textContent = S("rated", { n: done, total: view.statements.length });
  },
};

// --- control --------------------------------------------------------------------------

function resultsBlock(ctx, view) {
  const r = view.results;
  if (!r) return [];
  const withheld = S("withheld", { n: 3 });
  const rows = r.areas.map((a) =>
    el(
      "li",
      {},
      el("strong", { text: S(`area_${a.area}`) }),
      ": ",
      ABOUT.map((about) => (a[about] ? `${S(`${about}_short`)} ${number(a[about].mean)} (${S("spread", { n: number(a[about].spread) })})` : `${S(`${about}_short`)}: ${withheld}`)).join(" · "),
      a.gap !== null ? ` · ${S("gap", { n: number(a.gap, true) })}` : "",
      changeText(a) ? ` · ${changeText(a)}` : "",
    ),
  );
  return [
    r.previous ? el("p", { text: S("previous", { title: r.previous.workshop }) }) : null,
    el("ul", { class: "plain-list ms-results" }, rows),
    el("h3", { text: S("disagree") }),
    el(
      "ol",
      { class: "plain-list ms-results" },
      r.disagree.slice(0, 5).map((d) => el("li", {}, d.text, ` (${S("spread", { n: number(d.spread) })})`, agreementButton(ctx, view, d.key))),
    ),
  ].filter(Boolean);
}

function agreementButton(ctx, view, key) {
  if (view.agreements[key]) return el("span", { class: "badge", text: S("is_agreement") });
  return el("button", {
    type: "button",
    "data-key": `agree-${key}`,
    text: S("to_agreement"),
    onclick: (e) => press(ctx, "maturity_scan.to_agreement", { item_id: ctx.item.id, statement: key }, e.currentTarget),
  });
}

function editRow(ctx, view, s, i) {
  const id = `ms-edit-${s.key}`;
  return el(
    "li",
    { "data-key": s.key },
    el(
      "label",
      { class: "check" },
      el("input", { type: "checkbox", name: `keep-${s.key}`, checked: true, "aria-label": S("keep", { n: i + 1 }) }),
      S(`area_${s.area}`),
    ),
    el("input", { id, name: `text-${s.key}`, value: s.text, maxlength: "300", "aria-label": `${i + 1}. ${S(`area_${s.area}`)}` }),
    agreementButton(ctx, view, s.key),
  );
}

export const control = {
  busy(view) {
    return view.state === "open" ? ["scan"] : [];
  },
  mount(root, ctx) {
    root.append(fromTemplate("maturity_scan-control"));
    for (const button of root.querySelectorAll("[data-do]")) {
      button.addEventListener("click", () => press(ctx, `maturity_scan.${button.dataset.do}`, { item_id: ctx.item.id }, button));
    }
    ctx.on(document, "facilitator:reveal", () => press(ctx, "maturity_scan.reveal", { item_id: ctx.item.id }));
    for (const radio of root.querySelectorAll("[name=ms-show]")) {
      radio.addEventListener("change", () => press(ctx, "maturity_scan.board", { item_id: ctx.item.id, show: radio.value }));
    }
    const use = $("[data-form=use]", root);
    sendForm(use, ctx, () => ["maturity_scan.use", { item_id: ctx.item.id, scan: use.elements.scan.value }], { draft: "" });
    const adjust = $("[data-form=adjust]", root);
    sendForm(
      adjust,
      ctx,
      () => {
        const statements = [...adjust.querySelectorAll("[data-list=edit] > li")]
          .filter((li) => li.querySelector("input[type=checkbox]").checked)
          .map((li) => ({ key: li.dataset.key, text: li.querySelector("input[name^=text-]").value }));
        const text = adjust.elements.new_text.value.trim();
        if (text) statements.push({ area: adjust.elements.new_area.value, text });
        return ["maturity_scan.adjust", { item_id: ctx.item.id, statements }];
      },
      { draft: "", after: () => (adjust.elements.new_text.value = "") },
    );
    const save = $("[data-form=save]", root);
    sendForm(save, ctx, () => ["maturity_scan.save", { item_id: ctx.item.id, name: save.elements.name.value }], { draft: "" });
  },
  update(root, view, ctx) {
    $("[data-do=open]", root).disabled = view.revealed || view.state === "open";
    $("[data-do=close]", root).disabled = view.state !== "open";
    $("[data-do=reveal]", root).disabled = view.revealed;
    $("[data-field=state]", root).textContent = stateText(view);
    $("[data-field=raters]", root).textContent = S("raters", { n: view.raters });
    for (const radio of root.querySelectorAll("[name=ms-show]")) radio.checked = radio.value === view.show;
    rebuild($("[data-list=results]", root), resultsBlock(ctx, view));
    const select = $("[data-form=use] select", root);
    const choices = [...view.library.map((l) => [l.ref, l.title]), ...view.own.map((o) => [o.ref, o.name])];
    const shape = JSON.stringify(choices);
    if (select.dataset.shape !== shape) {
      select.dataset.shape = shape;
      select.replaceChildren(...choices.map(([ref, title]) => el("option", { value: ref, text: title })));
    }
    select.value = view.scan;
    const area = $("[data-form=adjust] select", root);
    if (!area.options.length) {
      area.replaceChildren(...["personal", "collective", "connective", "space", "support", "steering"].map((a) => el("option", { value: a, text: S(`area_${a}`) })));
    }
    const editable = view.state === "ready" && view.raters === 0;
    const list = $("[data-list=edit]", root);
    const shapeEdit = JSON.stringify([view.statements, view.agreements]);
    if (list.dataset.shape !== shapeEdit) {
      list.dataset.shape = shapeEdit;
      rebuild(list, view.statements.map((s, i) => editRow(ctx, view, s, i)));
    }
    for (const field of root.querySelectorAll("[data-form=use] select, [data-form=use] button, [data-form=adjust] input, [data-form=adjust] select, [data-form=adjust] button[type=submit]")) {
      field.disabled = !editable;
    }
  },
};
