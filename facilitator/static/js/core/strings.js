// The page's translated client strings, one way for every module to use them.
//
// The server puts the language's strings on <body data-strings>; a key is
// "area.name" (for example "dilemma_vote.dots") or a shared one ("offline").

let table = null;

function strings() {
  if (table === null) {
    try {
      table = JSON.parse(document.body.dataset.strings || "{}");
    } catch {
      table = {};
    }
  }
  return table;
}

/** Translate `key` with %(name)s placeholders filled in from `params`. */
export function t(key, params = {}) {
  const all = strings();
  // A count of one has its own text under `<key>.one` where the language needs it
  // ("1 dilemma", "1 heeft gestemd"), not "1 dilemmas".
  let text = (params.n === 1 && all[`${key}.one`]) || (all[key] ?? key);
  for (const [name, value] of Object.entries(params)) {
    text = text.replaceAll(`%(${name})s`, String(value));
  }
  return text;
}

/** A translator for one area: scoped("intervision")("done") is t("intervision.done"). */
export function scoped(prefix) {
  return (key, params = {}) => t(`${prefix}.${key}`, params);
}
