// Whose language the bot speaks: a person's Slack locale (users.info with include_locale), else
// their team's language, else English. The locale is kept on the person's row with the time it
// was asked, so that however many bot processes run, Slack is asked at most once a day per person.
import type { DbOrTx } from '../../db/client.ts';
import { saveLocale, type PersonWithTeam } from '../../db/queries/people.ts';
import { isLanguage, languageOfLocale, type Language } from '../language.ts';

/** A known locale is asked again after a day. */
export const LOCALE_FRESH_MS = 24 * 60 * 60 * 1000;
/** After a failed ask (Slack down, rate-limited, the scope missing), the next ask waits an hour. */
export const LOCALE_RETRY_MS = 60 * 60 * 1000;

type Team = PersonWithTeam['team'];

/** The team's language: that of its channel posts and of anyone whose locale is not known. */
export function teamLanguage(team: Pick<Team, 'language'>): Language {
  return isLanguage(team.language) ? team.language : 'en';
}

/** The person's language as far as the database knows it, without asking Slack. */
export function languageKnown(p: { person: { locale: string | null }; team: Pick<Team, 'language'> }): Language {
  return languageOfLocale(p.person.locale) ?? teamLanguage(p.team);
}

/** Whether the person's locale was asked recently enough (or failed recently enough) not to ask again. */
export function localeIsFresh(p: { person: { localeCheckedAt: Date | null } }, now: Date, maxAgeMs = LOCALE_FRESH_MS): boolean {
  const at = p.person.localeCheckedAt;
  return at !== null && now.getTime() - new Date(at).getTime() < maxAgeMs;
}

/**
 * The person's language, asking Slack (`lookup`: the locale, null when Slack gives none; throws
 * when it cannot be asked) when the locale known is older than `maxAgeMs` (a day; a fan-out to a
 * whole team passes Infinity, asking only about people never asked). A failed ask falls back to
 * what is known, silently, and is tried again in an hour.
 */
export async function resolveLanguage(
  db: DbOrTx,
  p: PersonWithTeam,
  now: Date,
  lookup: (userId: string) => Promise<string | null>,
  maxAgeMs = LOCALE_FRESH_MS,
): Promise<Language> {
  if (localeIsFresh(p, now, maxAgeMs)) return languageKnown(p);
  const id = p.person.slackUserId;
  let locale: string | null;
  try {
    locale = await lookup(id);
  } catch {
    await saveLocale(db, id, undefined, new Date(now.getTime() - LOCALE_FRESH_MS + LOCALE_RETRY_MS));
    return languageKnown(p);
  }
  await saveLocale(db, id, locale, now);
  return languageOfLocale(locale) ?? teamLanguage(p.team);
}
