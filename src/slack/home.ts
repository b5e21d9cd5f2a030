// App Home, re-published after every change to the agent's cart or task list, in their language.
//
// Two publishes of one person's Home are not ordered by Slack: the one that read the task list first
// can land last, and leave Home showing a task as open that was just marked done (two Done clicks a
// second apart). So, in this process, one publish a person at a time: those asked for meanwhile become
// one after it, which reads the list then (`inTurn`). Across processes (several workers, several
// hosts), a click in Home gives the hash of the Home it was clicked in: Slack refuses the publish
// (hash_conflict) when another process published since, and the list is read and published again.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import type { PersonWithTeam } from '../../db/queries/people.ts';
import { AppError } from '../errors.ts';
import { taskListFor } from '../services/tasks.ts';
import { setupHome } from '../../views/setup.ts';
import { homeView } from '../../views/tasks.ts';
import type { Languages } from './language.ts';
import { refusalOf } from './web-client.ts';

/** The hash of the Home a click came from (Slack sends the view clicked in); undefined elsewhere. */
export function homeHash(body: { view?: { type?: string; hash?: string } }): string | undefined {
  return body.view?.type === 'home' && body.view.hash ? body.view.hash : undefined;
}

/**
 * Publishes the Home of a Slack user, or of a person already loaded (after a cart change). `hash`,
 * the Home's as the click saw it, makes Slack refuse a publish when another process published since.
 */
export function publishHome(client: WebClient, db: Db, languages: Languages, who: string | PersonWithTeam, now: Date, hash?: string): Promise<void> {
  const userId = typeof who === 'string' ? who : who.person.slackUserId;
  // After another publish of this process the hash is that one's past: Slack would refuse it.
  return inTurn(linesOf(db), userId, (after) => publish(client, db, languages, who, userId, now, after ? undefined : hash));
}

async function publish(client: WebClient, db: Db, languages: Languages, who: string | PersonWithTeam, userId: string, now: Date, hash: string | undefined): Promise<void> {
  let view;
  try {
    const list = await taskListFor(db, who, now);
    view = homeView(await languages.of(client, list.person), list);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'unknown_user')) throw e;
    view = setupHome(await languages.of(client, userId), userId);
  }
  try {
    await client.views.publish({ user_id: userId, view, ...(hash ? { hash } : {}) });
  } catch (e) {
    // Another process published this Home since the click: read again, and publish what is now.
    if (hash && refusalOf(e) === 'hash_conflict') return publish(client, db, languages, who, userId, now, undefined);
    throw e;
  }
}

/** A person's publish under way in this process, and the one asked for meanwhile, if any. */
interface Line {
  waiting?: { run: (after: boolean) => Promise<void>; done: Promise<void>; settle: (p: Promise<void>) => void };
}

/** Per database, so that two apps in one process (the tests) never share a line. */
const lines = new WeakMap<Db, Map<string, Line>>();
function linesOf(db: Db): Map<string, Line> {
  let m = lines.get(db);
  if (!m) lines.set(db, (m = new Map()));
  return m;
}

/**
 * Runs `run` for `key` now, or after the one under way: every call made while one waits joins it (the
 * newest call's `run` is the one run, and reads what is newest then), and is answered by it.
 */
function inTurn(lines: Map<string, Line>, key: string, run: (after: boolean) => Promise<void>): Promise<void> {
  const line = lines.get(key);
  if (!line) {
    const fresh: Line = {};
    lines.set(key, fresh);
    return go(lines, key, fresh, run, false);
  }
  if (line.waiting) {
    line.waiting.run = run;
    return line.waiting.done;
  }
  let settle!: (p: Promise<void>) => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  line.waiting = { run, done, settle };
  return done;
}

function go(lines: Map<string, Line>, key: string, line: Line, run: (after: boolean) => Promise<void>, after: boolean): Promise<void> {
  const running = run(after);
  void running.then(next, next);
  return running;
  function next() {
    const waiting = line.waiting;
    if (!waiting) {
      lines.delete(key);
      return;
    }
    line.waiting = undefined;
    waiting.settle(go(lines, key, line, waiting.run, true));
  }
}
