// The shared sync module: one socket, an outbox that survives reloads, fresh views.
//
// Invariants (docs/protocol.md): every change is an `act` with an op_id; unacked acts
// stay in localStorage and are resent after reconnect, reload or server restart (the
// server dedupes by op_id); every push carries `seq`; on connect, wake-up, or an ack
// whose seq we never saw pushed, we ask for a fresh view with `sync`.
import { io } from "../../vendor/socket.io.esm.min.js";
import { applyPatch } from "./patch.js";

const ACK_TIMEOUT_MS = 10000;
const SEEN_GRACE_MS = 2500;
const HEARTBEAT_MS = 60000;
// A refusal is final (the action leaves the outbox and the user is told), except:
// rate_limited waits and tries again; internal (a server bug) is tried a few times
// with backoff and then given up as failed, so one bug never blocks what follows.
const RATE_WAIT_MS = 3000;
const INTERNAL_TRIES = 3;
const INTERNAL_BACKOFF_MS = 1000; // doubled after every try

export function newOpId() {
  // crypto.randomUUID needs a secure context; phones on venue Wi-Fi often use plain HTTP.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class Live {
  /**
   * @param {object} options
   * @param {object} options.auth        handshake auth: {kind, code} or {kind, token}
   * @param {string} [options.room]      the workshop's code, in the Socket.IO URL: a proxy
   *                                     in front of several processes routes by it
   * @param {string} options.outboxKey   localStorage key for unacked actions
   * @param {(name: string, view: object) => void} options.onView
   * @param {(state: string, pending: number) => void} options.onStatus
   * @param {(error: {code: string, message: string}) => void} options.onError
   */
  constructor({ auth, room, outboxKey, onView, onStatus, onError }) {
    this.auth = auth;
    this.outboxKey = outboxKey;
    this.onView = onView;
    this.onStatus = onStatus || (() => {});
    this.onError = onError || (() => {});
    this.seq = 0; // highest seq seen in a push or sync
    this.views = {}; // name -> seq of the view shown
    this.sentControl = null; // the control view as the server last pushed it (patch.js)
    this.controlVersion = 0; // and its number: each patch is from the one before it
    this.offsetMs = 0; // server clock minus ours
    this.flushing = false;
    this.waiters = new Map(); // op_id -> [resolve, ...]
    this.watchers = new Map(); // op_id -> (state) => void: "queued" | "sending" | "retrying"
    this.retryTimer = null;
    // Every request of the connection (polling and the websocket) carries the code, so
    // that all screens of one workshop reach the same server process (docs/deploy.md).
    const query = room ? { w: room } : {};
    this.socket = io({ auth, query, reconnectionDelayMax: 5000 });
    for (const name of ["board", "me", "table"]) {
      this.socket.on(name, (msg) => this.receive(name, msg));
    }
    // After a phase change a phone's own part comes in the same message as the phone view.
    this.socket.on("phone", (msg) => {
      this.receive("phone", msg);
      if (msg && msg.me) this.receive("me", { seq: msg.seq, view: msg.me });
    });
    // The control page gets its view whole once per connection, then as changes to it.
    this.socket.on("control", (msg) => {
      if (!msg || typeof msg.seq !== "number") return;
      this.sentControl = msg.view;
      this.controlVersion = msg.v || 0;
      this.receive("control", { seq: msg.seq, view: structuredClone(msg.view) });
    });
    this.socket.on("control_patch", (msg) => this.patched(msg));
    this.socket.on("connect", () => this.connected());
    this.socket.on("disconnect", () => {
      this.sentControl = null; // the next connection's first control view is whole
      for (const watch of this.watchers.values()) watch("queued");
      this.status();
    });
    this.socket.on("connect_error", (err) => {
      if (err && err.data && ["gone", "login", "bad_auth", "bad_code"].includes(err.data.code)) {
        this.onError({ code: err.data.code, message: err.message });
      }
      this.status();
    });
    const wake = () => {
      if (document.visibilityState === "visible") this.sync();
    };
    document.addEventListener("visibilitychange", wake);
    window.addEventListener("online", () => this.sync());
    window.addEventListener("pageshow", (e) => e.persisted && this.sync());
    setInterval(() => this.sync(), HEARTBEAT_MS);
  }

  now() {
    return Date.now() + this.offsetMs;
  }

  /**
   * A phone holds unsent text for agenda item `itemId` (null: for none). Only that fact
   * goes to the server, never the text: the control page then asks before it moves the
   * room off the item. Sent when it changes, and with every (re)connect in `auth`.
   */
  draft(itemId) {
    if (this.auth.kind !== "participant") return;
    const value = itemId || null;
    if (this.auth.draft === value) return;
    this.auth.draft = value; // socket.io sends this same object at the next connect
    if (this.socket.connected) this.socket.emit("draft", { item_id: value });
  }

  get outbox() {
    try {
      return JSON.parse(localStorage.getItem(this.outboxKey) || "[]");
    } catch {
      return [];
    }
  }

  set outbox(items) {
    localStorage.setItem(this.outboxKey, JSON.stringify(items));
    this.status();
  }

  status() {
    const state = this.socket.connected ? "online" : "offline";
    this.onStatus(state, this.outbox.length);
  }

  receive(name, msg) {
    if (!msg || typeof msg.seq !== "number") return;
    // Views are whole: an older one is dropped, an equal or newer one replaces.
    if (msg.seq < (this.views[name] || 0)) return;
    this.views[name] = msg.seq;
    this.seq = Math.max(this.seq, msg.seq);
    this.onView(name, msg.view);
  }

  /** A change to the control view last pushed; the page renders the whole view as
   * before (a copy: what it does with it must not change the one the next change is to). */
  patched(msg) {
    if (!msg || typeof msg.seq !== "number" || !msg.patch) return;
    if (!this.sentControl || msg.v !== this.controlVersion + 1) {
      // Never on one connection (its messages come in order); a new one starts again
      // from a whole view.
      this.socket.disconnect().connect();
      return;
    }
    this.sentControl = applyPatch(this.sentControl, msg.patch);
    this.controlVersion = msg.v;
    this.receive("control", { seq: msg.seq, view: structuredClone(this.sentControl) });
  }

  async connected() {
    this.status();
    await this.sync();
    this.flush();
  }

  sync() {
    if (!this.socket.connected) return Promise.resolve();
    const sent = Date.now();
    return new Promise((resolve) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit("sync", { seq: this.seq }, (err, reply) => {
        if (err || !reply) return resolve();
        if (!reply.ok) {
          this.onError(reply.error);
          return resolve();
        }
        const received = Date.now();
        this.offsetMs = Date.parse(reply.now) - (sent + received) / 2;
        for (const name of ["board", "control", "phone", "me", "table"]) {
          if (reply[name]) this.receive(name, { seq: reply.seq, view: reply[name] });
        }
        resolve();
      });
    });
  }

  /**
   * Send an action; resolves with its ack ({ok, ...}) once the server has answered for
   * good. One intent is one action: while the same op with the same data waits in the
   * outbox (a double click, a second tap while offline), no second action is made.
   * `onState` hears "queued" (offline), "sending" and "retrying" until then.
   */
  act(op, data = {}, { onState, tag } = {}) {
    const same = JSON.stringify(data);
    let item = this.outbox.find((i) => i.op === op && JSON.stringify(i.data) === same);
    if (!item) {
      // `tag` names the draft the action was typed in (see queued() and settle()).
      item = { op, op_id: newOpId(), data, ...(tag ? { tag } : {}) };
      this.outbox = [...this.outbox, item];
    }
    const done = this.wait(item, { onState });
    this.flush();
    return done;
  }

  /** The action sent from the draft `tag` that still waits in the outbox (sent before a reload). */
  queued(tag) {
    return this.outbox.find((i) => i.tag === tag) || null;
  }

  /** Resolves with the ack of an action in the outbox; `onState` as for act(). */
  wait(item, { onState } = {}) {
    const done = new Promise((resolve) => {
      this.waiters.set(item.op_id, [...(this.waiters.get(item.op_id) || []), resolve]);
    });
    if (onState) {
      this.watchers.set(item.op_id, onState);
      onState(this.socket.connected ? "sending" : "queued");
    }
    return done;
  }

  settle(item, ack) {
    this.outbox = this.outbox.filter((i) => i.op_id !== item.op_id);
    const waiting = this.waiters.get(item.op_id) || [];
    this.waiters.delete(item.op_id);
    this.watchers.delete(item.op_id);
    if (ack.ok) {
      this.expectSeq(ack.seq);
      // Its text is stored now: drop the draft even when no form waits for it (the
      // page was reloaded and its form is not on screen), so it is never sent twice.
      if (item.tag) localStorage.removeItem(item.tag);
    }
    // Nobody waits for it (sent before a reload): say it at the top of the page.
    else if (!waiting.length) this.onError(ack.error);
    for (const resolve of waiting) resolve(ack);
  }

  update(item, changes) {
    this.outbox = this.outbox.map((i) => (i.op_id === item.op_id ? { ...i, ...changes } : i));
  }

  retryAt(when) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.flush(), Math.max(0, when - Date.now()));
  }

  async flush() {
    if (this.flushing || !this.socket.connected) return;
    this.flushing = true;
    try {
      // In order, one at a time: a later action may depend on an earlier one. An action
      // waiting for its retry is passed over, so it holds nothing up. The outbox is
      // re-read every turn: an action queued while we wait is sent too.
      const tried = new Set();
      const next = () => this.outbox.find((i) => !tried.has(i.op_id) && !(i.retry_at > Date.now()));
      for (let item = next(); item; item = next()) {
        if (!this.socket.connected) break;
        tried.add(item.op_id);
        this.watchers.get(item.op_id)?.("sending");
        const ack = await this.send(item);
        if (ack === null) break; // timed out: keep it, retry on the next connect
        const code = ack.ok ? null : ack.error && ack.error.code;
        if (code === "rate_limited") {
          this.retryAt(Date.now() + RATE_WAIT_MS);
          this.watchers.get(item.op_id)?.("retrying");
          break; // what follows would be limited too
        }
        if (code === "internal" && (item.tries || 0) + 1 < INTERNAL_TRIES) {
          const tries = (item.tries || 0) + 1;
          const at = Date.now() + INTERNAL_BACKOFF_MS * 2 ** (tries - 1);
          this.update(item, { tries, retry_at: at });
          this.watchers.get(item.op_id)?.("retrying");
          this.retryAt(at);
          continue;
        }
        this.settle(item, code === "internal" ? { ...ack, failed: true } : ack);
      }
    } finally {
      this.flushing = false;
      const later = this.outbox.map((i) => i.retry_at || 0).filter((at) => at > Date.now());
      if (later.length) this.retryAt(Math.min(...later));
      this.status();
    }
  }

  send(item) {
    // Only the envelope: the retry bookkeeping kept beside it in the outbox stays here.
    const envelope = { op: item.op, op_id: item.op_id, data: item.data };
    return new Promise((resolve) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit("act", envelope, (err, ack) => {
        resolve(err || !ack ? null : ack);
      });
    });
  }

  // The ack names the seq our change got; if no push with that seq arrives soon,
  // a push was missed: ask for a fresh view.
  expectSeq(seq) {
    setTimeout(() => {
      if (this.seq < seq) this.sync();
    }, SEEN_GRACE_MS);
  }
}
