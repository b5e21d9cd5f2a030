// Is the database there? One place decides, and says so in the log once when it goes away (with
// the cause) and once when it is back (with how long it was gone): /healthz asks it, the job
// queue's errors and the app's unexpected errors report to it, and while it is down it looks
// again every few seconds by itself.
import type { Database } from '../db/client.ts';
import { causeOf, isConnectionError } from '../db/errors.ts';
import type { JsonLogger } from './logger.ts';

export interface HealthOptions {
  /** How long a ping may take before the database counts as unavailable (/healthz answers within 1 s). */
  timeoutMs?: number;
  /** How often to ping while the database is up (a hang is noticed even with no traffic); Infinity: never. */
  heartbeatMs?: number;
  /** How often to ping while it is down (its return is noticed soon). */
  probeMs?: number;
}

export class DatabaseHealth {
  private down: { since: number; cause: string } | null = null;
  private ping: { started: number; result: Promise<boolean> } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly timeoutMs: number;
  private readonly heartbeatMs: number;
  private readonly probeMs: number;
  private stopped = false;

  constructor(
    private readonly database: Database,
    private readonly logger: JsonLogger,
    options: HealthOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 800;
    // The embedded database is busy, not gone, while a long transaction (a proposal's) holds it:
    // it is not pinged unasked, only when /healthz asks.
    this.heartbeatMs = options.heartbeatMs ?? (database.kind === 'pglite' ? Infinity : 15_000);
    this.probeMs = options.probeMs ?? 2_000;
  }

  get available(): boolean {
    return this.down === null;
  }

  /** Starts the heartbeat. */
  start(): this {
    this.stopped = false;
    this.schedule();
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Pings the database, answering within `timeoutMs` whatever it does. One ping at a time: while a
   * ping hangs, a hanging database must not collect a connection per question.
   */
  async check(timeoutMs = this.timeoutMs): Promise<boolean> {
    if (this.ping && Date.now() - this.ping.started >= timeoutMs) return false;
    if (!this.ping) {
      const result = this.database.query('select 1').then(
        () => {
          this.up();
          return true;
        },
        (e: unknown) => {
          this.report(e, true);
          return false;
        },
      );
      const ping = { started: Date.now(), result };
      this.ping = ping;
      void result.finally(() => {
        if (this.ping === ping) this.ping = null;
      });
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        this.markDown(`no answer within ${timeoutMs} ms`);
        resolve(false);
      }, timeoutMs - (Date.now() - this.ping!.started));
    });
    try {
      return await Promise.race([this.ping.result, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * An error from anywhere that talks to the database. Returns true when it meant the database is
   * unavailable (then it is logged once, here, for the whole outage), false when it is another error
   * for the caller to log.
   */
  report(e: unknown, fromPing = false): boolean {
    if (!fromPing && !isConnectionError(e)) return false;
    this.markDown(causeOf(e));
    return true;
  }

  private markDown(cause: string): void {
    if (this.down) return;
    this.down = { since: Date.now(), cause };
    this.logger.error(`database unavailable: ${cause}`, { outage: 'start', cause });
    this.schedule();
  }

  private up(): void {
    if (!this.down) return;
    const seconds = Math.round((Date.now() - this.down.since) / 1000);
    this.down = null;
    this.logger.info(`database available again after ${seconds} s`, { outage: 'end', seconds });
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wait = this.down ? this.probeMs : this.heartbeatMs;
    if (!Number.isFinite(wait)) return;
    // Unasked, a slow answer (a busy pool) is not yet an outage: 5 s, where /healthz allows 0.8.
    this.timer = setTimeout(() => void this.check(Math.max(this.timeoutMs, 5_000)).finally(() => this.schedule()), wait);
    this.timer.unref();
  }
}
