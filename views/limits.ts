// Slack's Block Kit limits (api.slack.com/reference/block-kit); every view trims its text against these.
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** Slack refuses whole messages at about 12–13 k characters; we stay well under. */
  messageChars: 9_000,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  /** Options of a static select; of checkboxes and radio buttons. */
  selectOptions: 100,
  checkboxOptions: 10,
  inputLabel: 2000,
  hint: 2000,
  placeholder: 150,
  /** A confirm dialog's text. */
  confirmText: 300,
  /** A modal's title, submit and close texts. */
  modalTitle: 24,
  privateMetadata: 3000,
} as const;

/**
 * Cuts text to `max` characters as Slack may count them (UTF-16 units, so an emoji counts two),
 * never splitting a character: a Chinese text or an emoji is cut before or after, not inside.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * Cuts mrkdwn text (escaped: see text.ts) without leaving half an escape such as `&am…` or half
 * of one of the bot's own `<@U…>` at the end.
 */
export function truncateMrkdwn(text: string, max: number): string {
  const cut = truncate(text, max);
  return cut === text ? text : cut.replace(/(&[a-z]{0,3}|<[^<>]*)…$/, '…');
}

export const plain = (text: string, max: number = LIMITS.sectionText) => ({ type: 'plain_text' as const, text: truncate(text, max), emoji: true });
/**
 * mrkdwn text: anything from people or files in it must already be escaped (text.ts). Verbatim:
 * Slack still renders the markup and the bot's own <@id>, but does not parse plain text for
 * mentions or channel names (a title "@here" or "#general" stays text) nor link bare URLs.
 */
export const mrkdwn = (text: string, max: number = LIMITS.sectionText) => ({ type: 'mrkdwn' as const, text: truncateMrkdwn(text, max), verbatim: true });
