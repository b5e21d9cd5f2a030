// The language each person is answered in (src/services/language.ts decides; this asks Slack).
// A listener acknowledges first and asks after: users.info is never on the way to an ack. The ask
// is bounded in time, never retried (a 429 pauses asking for its Retry-After; the Web API client
// would otherwise wait minutes), and any failure falls back, silently, to what is known: the
// person's stored locale, their team's language, else English.
import { webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { findPerson, type PersonWithTeam } from '../../db/queries/people.ts';
import { languageOfLocale, type Language } from '../language.ts';
import { LOCALE_FRESH_MS, languageKnown, resolveLanguage } from '../services/language.ts';
import { textsFor, type T } from '../../views/i18n/index.ts';
import { singleTryClient } from './web-client.ts';

/** How long answering a person may wait on knowing their language (their row, users.info). */
export const LANGUAGE_BUDGET_MS = 1500;
const LOOKUP_TIMEOUT_MS = 1500;
/** Languages remembered in this process, for answers that cannot wait on the database. */
const REMEMBERED = 10_000;

export interface Languages {
  /**
   * The texts for a person (loaded, or by Slack id): their Slack locale, else their team's language,
   * else English. Never throws. `bulk` (a fan-out to a whole team): Slack is asked only about people
   * never asked, so that a proposal to thousands does not wait on thousands of users.info calls.
   */
  of(client: WebClient, who: string | PersonWithTeam, options?: { bulk?: boolean }): Promise<T>;
  /** Without asking anything (before an ack, or while the database is down): what this process last used for them, else English. */
  known(who: string | PersonWithTeam): T;
}

/** Asks Slack for a user's locale: one call, no retry, bounded; a 429 pauses every ask for its Retry-After. */
export function localeLookup(): (client: WebClient, userId: string) => Promise<string | null> {
  let pausedUntil = 0;
  return async (client, userId) => {
    if (Date.now() < pausedUntil) throw new Error('users.info is rate-limited');
    try {
      const answer = await singleTryClient(client, LOOKUP_TIMEOUT_MS).users.info({ user: userId, include_locale: true });
      return answer.user?.locale ?? null;
    } catch (e) {
      const limited = e as { code?: string; retryAfter?: number };
      if (limited.code === webApi.ErrorCode.RateLimitedError) pausedUntil = Date.now() + (limited.retryAfter ?? 60) * 1000;
      throw e;
    }
  };
}

function within<R>(work: Promise<R>, ms: number): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function languages(db: Db, now: () => Date, lookup = localeLookup()): Languages {
  const memory = new Map<string, { language: Language; at: number }>();
  const remember = (id: string, language: Language) => {
    memory.delete(id);
    memory.set(id, { language, at: now().getTime() });
    if (memory.size > REMEMBERED) memory.delete(memory.keys().next().value!);
    return textsFor(language);
  };
  const idOf = (who: string | PersonWithTeam) => (typeof who === 'string' ? who : who.person.slackUserId);
  return {
    known(who) {
      const remembered = memory.get(idOf(who))?.language;
      return textsFor(remembered ?? (typeof who === 'string' ? 'en' : languageKnown(who)));
    },
    async of(client, who, options = {}) {
      const id = idOf(who);
      try {
        const person = typeof who === 'string' ? await within(findPerson(db, who), LANGUAGE_BUDGET_MS) : who;
        if (person) {
          const maxAge = options.bulk ? Infinity : LOCALE_FRESH_MS;
          return remember(id, await within(resolveLanguage(db, person, now(), (user) => lookup(client, user), maxAge), LANGUAGE_BUDGET_MS));
        }
        // Someone the bot does not know (told how to get set up): Slack's locale, asked at most daily.
        const seen = memory.get(id);
        if (seen && now().getTime() - seen.at < LOCALE_FRESH_MS) return textsFor(seen.language);
        return remember(id, languageOfLocale(await within(lookup(client, id), LANGUAGE_BUDGET_MS)) ?? 'en');
      } catch {
        return this.known(who);
      }
    },
  };
}
