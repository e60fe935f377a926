// The shared sync module: one socket, an outbox that survives reloads, fresh views.
//
// Invariants (docs/protocol.md): every change is an `act` with an op_id; unacked acts
// stay in localStorage and are resent after reconnect, reload or server restart (the
// server dedupes by op_id); every push carries `seq`; on connect, wake-up, or an ack
// whose seq we never saw pushed, we ask for a fresh view with `sync`.
import { io } from "../vendor/socket.io.esm.min.js";

const ACK_TIMEOUT_MS = 10000;
const SEEN_GRACE_MS = 2500;
const HEARTBEAT_MS = 60000;
// Refusals that will never succeed on resend; anything else is retried.
const RETRY_CODES = new Set(["rate_limited", "internal"]);

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
   * @param {string} options.outboxKey   localStorage key for unacked actions
   * @param {(name: string, view: object) => void} options.onView
   * @param {(state: string, pending: number) => void} options.onStatus
   * @param {(error: {code: string, message: string}) => void} options.onError
   */
  constructor({ auth, outboxKey, onView, onStatus, onError }) {
    this.auth = auth;
    this.outboxKey = outboxKey;
    this.onView = onView;
    this.onStatus = onStatus || (() => {});
    this.onError = onError || (() => {});
    this.seq = 0; // highest seq seen in a push or sync
    this.views = {}; // name -> seq of the view shown
    this.offsetMs = 0; // server clock minus ours
    this.flushing = false;
    this.waiters = new Map(); // op_id -> resolve
    this.socket = io({ auth, reconnectionDelayMax: 5000 });
    for (const name of ["board", "control", "phone", "me", "table"]) {
      this.socket.on(name, (msg) => this.receive(name, msg));
    }
    this.socket.on("connect", () => this.connected());
    this.socket.on("disconnect", () => this.status());
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

  /** Send an action; resolves with its ack ({ok, ...}) once the server has it. */
  act(op, data = {}) {
    const item = { op, op_id: newOpId(), data };
    this.outbox = [...this.outbox, item];
    const done = new Promise((resolve) => this.waiters.set(item.op_id, resolve));
    this.flush();
    return done;
  }

  async flush() {
    if (this.flushing || !this.socket.connected) return;
    this.flushing = true;
    try {
      // In order, one at a time: a later action may depend on an earlier one.
      // Re-read the outbox each turn: an action queued while we wait is sent too
      // (a second key press within one round trip was otherwise left until reconnect).
      let item;
      while ((item = this.outbox[0])) {
        if (!this.socket.connected) break;
        const ack = await this.send(item);
        if (ack === null) break; // timed out: keep it, retry on the next connect
        if (!ack.ok && RETRY_CODES.has(ack.error.code)) break;
        this.outbox = this.outbox.filter((i) => i.op_id !== item.op_id);
        if (!ack.ok) this.onError(ack.error);
        else this.expectSeq(ack.seq);
        const resolve = this.waiters.get(item.op_id);
        if (resolve) {
          this.waiters.delete(item.op_id);
          resolve(ack);
        }
      }
    } finally {
      this.flushing = false;
      this.status();
    }
  }

  send(item) {
    return new Promise((resolve) => {
      this.socket.timeout(ACK_TIMEOUT_MS).emit("act", item, (err, ack) => {
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
