// One SignalR connection to /hubs/collab with the official client (lib/signalr). Each followed
// stream remembers the last seq it applied: after any reconnect it is re-subscribed from there, so
// the server replays exactly what was missed; an event at or below that seq is a duplicate and is
// dropped; a gap or a Resync notice makes the view re-read its snapshot. A Reconnect notice (the
// gateway is draining) is obeyed: stop, wait the given delay, connect again (to whichever gateway
// answers) and resume every stream.

const HUB = '/hubs/collab';

export class Live {
  #getToken;
  #onState;
  #connection = null;
  #streams = new Map();
  #state = 'offline';
  #stopped = false;
  #restarting = null;
  #onFatal;
  #onUnauthorized;

  /**
   * getToken: the bearer token, or null once it has expired. onFatal(message): the gateway refused
   * the connection for good (too many connections). onUnauthorized(): the token is no longer
   * accepted (expired or revoked): the user must sign in again.
   */
  constructor(getToken, onState, onFatal, onUnauthorized) {
    this.#getToken = getToken;
    this.#onState = onState;
    this.#onFatal = onFatal;
    this.#onUnauthorized = onUnauthorized;
  }

  get state() {
    return this.#state;
  }

  #setState(state) {
    this.#state = state;
    this.#onState(state);
  }

  #build() {
    const signalR = globalThis.signalR;
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(HUB, { accessTokenFactory: () => this.#getToken() })
      .withAutomaticReconnect({
        // Never give up; back off to 5 s, with jitter so a gateway's clients do not return together.
        // A refused token ends the retries (onclose then signs the user out).
        nextRetryDelayInMilliseconds: ctx => (isUnauthorized(ctx.retryReason) || !this.#getToken()
          ? null
          : Math.min(500 * 2 ** Math.min(ctx.previousRetryCount, 4), 5000) + Math.random() * 500),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    connection.on('Event', envelope => this.#event(envelope));
    connection.on('Resync', notice => this.#resync(notice?.stream));
    connection.on('Reconnect', notice => this.#restart(Number(notice?.afterMs) || 0));
    connection.onreconnecting(() => this.#setState('reconnecting'));
    connection.onreconnected(() => this.#resumeAll());
    connection.onclose(error => {
      if (this.#stopped || this.#restarting || connection !== this.#connection) return;
      if (String(error?.message ?? '').includes('too-many-connections')) {
        this.#setState('offline');
        this.#onFatal?.(error.message);
        return;
      }
      this.#restart(1000);
    });
    return connection;
  }

  /** Connects (retrying until a gateway answers) and resumes every followed stream. */
  async start() {
    this.#stopped = false;
    this.#setState('connecting');
    await this.#connectLoop();
  }

  async #connectLoop() {
    let attempt = 0;
    while (!this.#stopped) {
      if (!this.#getToken()) {
        this.#unauthorized();
        return;
      }
      this.#connection = this.#build();
      try {
        await this.#connection.start();
        await this.#resumeAll();
        return;
      } catch (error) {
        if (isUnauthorized(error)) {
          this.#unauthorized();
          return;
        }
        this.#setState('reconnecting');
        attempt += 1;
        await delay(Math.min(500 * 2 ** Math.min(attempt, 3), 4000) + Math.random() * 500);
      }
    }
  }

  #restart(afterMs) {
    if (this.#restarting || this.#stopped) return;
    this.#setState('reconnecting');
    const old = this.#connection;
    this.#restarting = (async () => {
      try {
        await old?.stop();
      } catch {
        // Already closed.
      }
      await delay(afterMs);
      await this.#connectLoop();
    })().finally(() => {
      this.#restarting = null;
    });
  }

  #unauthorized() {
    this.#stopped = true;
    this.#setState('offline');
    this.#onUnauthorized?.();
  }

  async stop() {
    this.#stopped = true;
    this.#streams.clear();
    const connection = this.#connection;
    this.#connection = null;
    this.#setState('offline');
    await connection?.stop().catch(() => {});
  }

  /**
   * Follows stream from afterSeq (the seq of the snapshot the view just read): onEvent gets each
   * later event once, in order; onResync is called when the view must re-read its snapshot and
   * follow again.
   */
  async follow(stream, afterSeq, onEvent, onResync) {
    const entry = { stream, lastSeq: afterSeq, onEvent, onResync, resyncing: false };
    this.#streams.set(stream, entry);
    if (this.#connection?.state === 'Connected') await this.#subscribe(entry);
  }

  async unfollow(stream) {
    this.#streams.delete(stream);
    if (this.#connection?.state === 'Connected') await this.#connection.invoke('Unsubscribe', stream).catch(() => {});
  }

  isFollowing(stream) {
    return this.#streams.has(stream);
  }

  async #subscribe(entry) {
    const result = await this.#connection.invoke('Subscribe', entry.stream, entry.lastSeq);
    // Followed from "now" (afterSeq null): live events continue from the stream's current seq.
    if (entry.lastSeq === null) entry.lastSeq = result.currentSeq;
    return result;
  }

  async #resumeAll() {
    const connection = this.#connection;
    try {
      await Promise.all([...this.#streams.values()].map(entry => this.#subscribe(entry)));
      if (connection === this.#connection) this.#setState('live');
    } catch {
      // The connection dropped while resuming: its reconnect resumes again.
    }
  }

  #event(envelope) {
    const entry = this.#streams.get(envelope?.stream);
    if (!entry || entry.resyncing) return;
    if (entry.lastSeq === null) entry.lastSeq = envelope.seq - 1;
    if (envelope.seq <= entry.lastSeq) return;
    if (envelope.seq > entry.lastSeq + 1) {
      this.#resync(entry.stream);
      return;
    }
    entry.lastSeq = envelope.seq;
    try {
      entry.onEvent(envelope);
    } catch (error) {
      console.error(error);
    }
  }

  /** The view re-reads its snapshot (and calls follow again with the snapshot's seq). */
  async #resync(stream) {
    const entry = this.#streams.get(stream);
    if (!entry || entry.resyncing) return;
    entry.resyncing = true;
    try {
      await entry.onResync();
    } catch (error) {
      console.error(error);
      entry.resyncing = false;
    }
  }
}

/** A 401 from the hub (the negotiation wraps the HTTP error in its message). */
function isUnauthorized(error) {
  return error?.statusCode === 401 || /Status code '401'/.test(String(error?.message ?? ''));
}

export function delay(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}
