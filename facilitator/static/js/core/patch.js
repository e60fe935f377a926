// A control push as the change from the view last pushed (facilitator/live/patch.py,
// which documents the format and is the reference this mirrors): the whole view again.

/** The view that `patch` makes of `old`; unchanged parts are `old`'s own objects. */
export function applyPatch(old, patch) {
  if ("=" in patch) return patch["="];
  if ("{" in patch) {
    const out = { ...old };
    for (const [key, change] of Object.entries(patch["{"])) out[key] = applyPatch(old[key], change);
    return out;
  }
  if ("[" in patch) {
    const out = [];
    for (const entry of patch["["]) {
      if (Array.isArray(entry)) {
        const [start, count] = entry;
        for (let i = start; i < start + count; i++) out.push(old[i]);
      } else out.push(entry["="]);
    }
    return out;
  }
  throw new Error("not a patch");
}
