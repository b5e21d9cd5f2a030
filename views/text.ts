// Text from people and files (titles, notes, reasons, names, CSV cells) is data, never markup.
// Every such text is escaped once, here, when it enters mrkdwn (and mrkdwn is sent verbatim,
// limits.ts, so plain "@here" is not parsed either); the bot's own mentions are built from ids.
// plain_text fields (headers, labels, options, buttons) are not parsed by Slack and take text
// as it is.
//
// The catalogs' texts reach mrkdwn through views/i18n: every value interpolated into one is
// passed through escape() by i18next, except a Markup, which is mrkdwn the bot built itself.
//
// Formatting characters (`*`, `_`, `~`, backticks) are left alone: Slack has no escape for
// them, and the worst they do is style a title; they cannot ping anyone or plant a link.

const CONTROL = /[&<>]/;

/**
 * Slack's documented escaping: `&`, `<` and `>` are the only characters mrkdwn parses as control.
 * Most values hold none (a day, a duration, a name): they are returned as they are, after one test
 * instead of three replacements (a cart message escapes some sixty values).
 */
export function escape(text: string): string {
  return CONTROL.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

/**
 * mrkdwn the bot built itself — a catalog's text already rendered, a mention from an id, lines
 * joined from those — passed into a catalog's text as it is. Never wrap people's text in it.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Wraps mrkdwn the bot built (see Markup). */
export const md = (text: string) => new Markup(text);

const USER_ID = /^[UW][A-Z0-9]+$/;

/** A mention the bot means: built from a Slack user id; anything else is shown as text. */
export function mention(userId: string): string {
  return USER_ID.test(userId) ? `<@${userId}>` : escape(userId);
}

/** A private answer to a command or a message button: its text is mrkdwn already rendered. */
export function ephemeral(mrkdwnText: string) {
  return { response_type: 'ephemeral' as const, replace_original: false, text: mrkdwnText };
}
