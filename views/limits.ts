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
  contextElements: 10,
  optionText: 75,
  modalTitle: 24,
} as const;

/** Cuts text to `max` characters (by code point, so Chinese text is never split mid-character). */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

export const plain = (text: string, max: number = LIMITS.sectionText) => ({ type: 'plain_text' as const, text: truncate(text, max), emoji: true });
export const mrkdwn = (text: string, max: number = LIMITS.sectionText) => ({ type: 'mrkdwn' as const, text: truncate(text, max) });
