// The dashboard's one WebSocket. Browsers cannot put credentials on a WebSocket, so each
// (re)connection first fetches a short-lived token from POST /api/ws-token. A dropped
// socket reconnects with exponential backoff and `since=<last event id>`, so the hub
// replays what was missed; too far behind, it says `resync_required` and views reload.

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 5000;
const KEEPALIVE_MS = 15000;
/** No frame at all (not even a pong) for this long: the connection is dead; reconnect. */
const SILENCE_LIMIT_MS = 40000;
const CONTROL_TYPES = new Set(["pong", "subscribed", "error"]);

export class LiveSocket {
  /**
   * @param api the authenticated Api (a 401 on the token logs the operator out there)
   * @param handlers {onEvent(event), onStatus("live"|"reconnecting"), onResync()}
   */
  constructor(api, { onEvent, onStatus, onResync }) {
    this.api = api;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onResync = onResync;
    this.lastEventId = null;
    this.attempt = 0;
    this.socket = null;
    this.stopped = true;
    this.retryTimer = null;
    this.keepaliveTimer = null;
    this.lastFrameAt = 0;
    this.headAtHello = 0;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.keepaliveTimer);
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, "signed out");
  }

  async connect() {
    this.onStatus("reconnecting");
    let token;
    try {
      ({ token } = await this.api.post("/api/ws-token"));
    } catch (error) {
      if (error.status !== 401) this.scheduleReconnect();
      return;
    }
    if (this.stopped) return;
    const url = new URL("/ws/dashboard", window.location.href);
    url.protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", token);
    if (this.lastEventId !== null) url.searchParams.set("since", String(this.lastEventId));
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("message", (message) => this.receive(message));
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      clearInterval(this.keepaliveTimer);
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  receive(message) {
    this.lastFrameAt = Date.now();
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    if (event.type === "hello") {
      this.headAtHello = Number(event.data?.last_event_id ?? 0);
      if (this.lastEventId === null) this.lastEventId = this.headAtHello;
      this.attempt = 0;
      this.startKeepalive();
      this.onStatus("live");
      return;
    }
    if (event.type === "resync_required") {
      // The views reload everything over REST, which is at least as new as the head.
      this.lastEventId = this.headAtHello;
      this.onResync();
      return;
    }
    if (CONTROL_TYPES.has(event.type)) return;
    if (typeof event.id === "number" && (this.lastEventId === null || event.id > this.lastEventId)) {
      this.lastEventId = event.id;
    }
    this.onEvent(event);
  }

  startKeepalive() {
    clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = setInterval(() => {
      const socket = this.socket;
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastFrameAt > SILENCE_LIMIT_MS) {
        socket.close(4000, "silent");
        return;
      }
      socket.send(JSON.stringify({ action: "ping" }));
    }, KEEPALIVE_MS);
  }

  scheduleReconnect() {
    this.onStatus("reconnecting");
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** this.attempt, BACKOFF_MAX_MS);
    this.attempt += 1;
    const jittered = delay * (0.75 + Math.random() * 0.5);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, jittered);
  }
}
