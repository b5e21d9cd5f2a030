// JSON-lines logger shaped as Bolt's Logger, so Bolt and our code log alike.
// Secrets never reach a line: tokens and signing secrets are masked wherever they appear.
import { LogLevel, type Logger } from '@slack/bolt';

const ORDER: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET = /\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)/g;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(SECRET, (m) => `${m.slice(0, 5)}…redacted`);
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join('…redacted');
  return out;
}

function format(part: unknown): string {
  if (part instanceof Error) return `${part.name}: ${part.message}${part.stack ? `\n${part.stack}` : ''}`;
  if (typeof part === 'string') return part;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}

export interface JsonLogger extends Logger {
  child(name: string): JsonLogger;
}

export function createLogger(options: {
  level?: string;
  name?: string;
  secrets?: readonly string[];
  write?: (line: string) => void;
}): JsonLogger {
  let level = options.level ?? 'info';
  let name = options.name ?? 'task-cart';
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const secrets = options.secrets ?? [];
  const log = (lvl: string) => (...msg: unknown[]) => {
    if ((ORDER[lvl] ?? 0) < (ORDER[level] ?? 0)) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, name, msg: redact(msg.map(format).join(' '), secrets) }));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level as LogLevel,
    setName: (n: string) => {
      name = n;
    },
    child: (child: string) => createLogger({ ...options, level, name: `${name}:${child}` }),
  };
}
