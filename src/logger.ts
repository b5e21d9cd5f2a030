// Logs are JSON lines (pino) with fields, shaped also as Bolt's Logger so that Bolt, its Web API
// client and our code log alike. Call it as `logger.info('what happened', { fields })` or
// `logger.error('what failed', error)`: an Error becomes the `err` field (type, message, stack,
// code, cause), objects become fields, other arguments join the message.
// No secret reaches a line: Slack tokens, the signing secret and passwords in URLs are masked in
// every string, fields included; database errors lose their SQL text and parameters.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import pino from 'pino';
import { postgresTarget } from '../db/postgres-url.ts';

export interface JsonLogger extends BoltLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  /** A logger whose lines all carry `bindings` as fields. */
  child(bindings: Record<string, unknown>): JsonLogger;
}

// Bot, user and app-level Slack tokens; any URL's password (postgres://user:password@host).
const TOKEN = /\b(xox[abposre]|xapp)-[A-Za-z0-9-]+/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]+)@/gi;
const MASK = '…redacted';

/** Masks tokens, URL passwords and the given secrets in a string. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(TOKEN, (m) => `${m.slice(0, 5)}${MASK}`).replace(URL_PASSWORD, `$1${MASK}@`);
  for (const s of secrets) if (s.length >= 6) out = out.split(s).join(MASK);
  return out;
}

/** The secrets worth masking by value: a token, the signing secret, a database URL's password. */
export function secretsOf(config: { SLACK_BOT_TOKEN?: string; SLACK_SIGNING_SECRET?: string; SLACK_APP_TOKEN?: string | undefined; DATABASE_URL?: string | undefined }): string[] {
  const out = [config.SLACK_BOT_TOKEN, config.SLACK_SIGNING_SECRET, config.SLACK_APP_TOKEN];
  if (config.DATABASE_URL) {
    try {
      // As the driver reads it (db/postgres-url.ts): libpq's `postgres://me:secret@/db?host=/folder` too.
      const { password } = new URL(postgresTarget(config.DATABASE_URL).url);
      out.push(decodeURIComponent(password), password);
    } catch {
      // not a URL: the configuration check says so
    }
  }
  return out.filter((s): s is string => Boolean(s));
}

const isError = (v: unknown): v is { message: string; stack?: string } =>
  v instanceof Error || (typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string' && typeof (v as { stack?: unknown }).stack === 'string');

/**
 * An error as a field. Only what says what went wrong and where is kept: drizzle puts the SQL text
 * and its parameters (row data) in its message, and database errors carry `detail` with row values.
 */
export function errorField(e: unknown, depth = 0): Record<string, unknown> {
  if (!isError(e)) return { message: String(e) };
  const err = e as Error & { code?: unknown; errno?: unknown; syscall?: unknown; address?: unknown; port?: unknown; statusCode?: unknown; data?: { error?: unknown }; cause?: unknown; query?: unknown };
  const sqlInMessage = /^Failed query:/.test(err.message) || err.name === 'DrizzleQueryError';
  const message = sqlInMessage ? 'database query failed' : err.message;
  let stack = err.stack;
  if (stack && sqlInMessage) {
    const at = stack.indexOf('\n    at ');
    stack = `${err.name}: ${message}${at >= 0 ? stack.slice(at) : ''}`;
  }
  const field: Record<string, unknown> = { type: err.name ?? err.constructor?.name ?? 'Error', message, stack };
  for (const k of ['code', 'errno', 'syscall', 'address', 'port', 'statusCode'] as const) if (err[k] !== undefined) field[k] = err[k];
  if (err.data && typeof err.data.error === 'string') field.slackError = err.data.error;
  if (err.cause !== undefined && depth < 3) field.cause = errorField(err.cause, depth + 1);
  return field;
}

function maskDeep(value: unknown, secrets: readonly string[], seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, secrets, seen));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, secrets, seen)]));
}

/** Per request: fields every line inside carries, and how many errors were logged inside. */
export interface LogScope {
  fields: Record<string, unknown>;
  errors: number;
}
const scopes = new AsyncLocalStorage<LogScope>();

/** Runs `fn` in a scope: lines logged inside carry the scope's fields; errors logged inside are counted. */
export function inLogScope<T>(scope: LogScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

// Field paths that hold a secret whatever their value looks like.
const REDACT_PATHS = ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'signingSecret', '*.signingSecret'];

export function createLogger(options: {
  level?: string;
  /** Exact values to mask besides the token and URL-password patterns (see secretsOf). */
  secrets?: readonly string[];
  /** Where each line goes (without its newline); stdout by default. */
  write?: (line: string) => void;
}): JsonLogger {
  const secrets = options.secrets ?? [];
  const write = options.write;
  const destination = write ? { write: (s: string) => write(s.endsWith('\n') ? s.slice(0, -1) : s) } : pino.destination({ dest: 1, sync: true });
  const root = pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: MASK },
      // `err` arrives already shaped by errorField; pino's own serializer would rename its type.
      serializers: { err: (e: unknown) => e },
      mixin: () => scopes.getStore()?.fields ?? {},
    },
    destination,
  );
  return wrap(root, secrets);
}

function wrap(p: pino.Logger, secrets: readonly string[]): JsonLogger {
  const log = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    if (level === 'error') {
      const scope = scopes.getStore();
      if (scope) scope.errors += 1;
    }
    if (!p.isLevelEnabled(level)) return;
    const words: string[] = [];
    let fields: Record<string, unknown> = {};
    let err: Record<string, unknown> | undefined;
    for (const a of args) {
      if (typeof a === 'string') words.push(a);
      else if (isError(a)) {
        if (err) words.push(String(errorField(a).message));
        else err = errorField(a);
      } else if (typeof a === 'object' && a !== null && !Array.isArray(a)) fields = { ...fields, ...(a as Record<string, unknown>) };
      else if (a !== undefined) words.push(typeof a === 'object' ? JSON.stringify(a) : String(a));
    }
    const msg = words.join(' ') || (err ? String(err.message) : '');
    const obj = maskDeep(err ? { ...fields, err } : fields, secrets) as Record<string, unknown>;
    p[level](obj, redact(msg, secrets));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (level: LogLevel) => {
      p.level = level;
    },
    getLevel: () => p.level as LogLevel,
    // Bolt's Web API client names the logger it is given ("web-api:WebClient:0"); the logger is
    // shared with the whole app, so a name would mislabel every line.
    setName: () => {},
    child: (bindings) => wrap(p.child(maskDeep(bindings, secrets) as Record<string, unknown>), secrets),
  };
}
