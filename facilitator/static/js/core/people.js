// The room's named participants, for a phone that chooses a colleague (feedback, agreements).
// Phone views carry only `people_rev`; the list itself is asked for with the socket's
// `people` when that changed, once per phone, instead of riding along in every push to
// every phone (which cost O(N²) bytes per push in a big room).
const ACK_TIMEOUT_MS = 8000;
let cached = { rev: null, people: [], self: null };
let asking = null;

/** The list for `rev` if it is known here already, else null. */
export function known(rev) {
  return cached.rev === rev ? cached.people : null;
}

/** This phone's own participant id, as the server said with the list (null before). */
export function self() {
  return cached.self;
}

/** Resolves with [{id, name}] for `rev`, or null if the server can't answer now. */
export function people(live, rev) {
  if (cached.rev === rev) return Promise.resolve(cached.people);
  if (asking && asking.rev === rev) return asking.promise;
  const promise = new Promise((resolve) => {
    if (!live.socket.connected) {
      asking = null;
      return resolve(null);
    }
    live.socket.timeout(ACK_TIMEOUT_MS).emit("people", {}, (err, reply) => {
      asking = null;
      if (err || !reply || !reply.ok) return resolve(null);
      cached = { rev: reply.rev, people: reply.people, self: reply.self ?? null };
      resolve(reply.people);
    });
  });
  asking = { rev, promise };
  return promise;
}
