// The languages the bot speaks, and how a Slack locale maps onto them. A leaf module, like
// errors.ts: views render in a Language, services choose it, neither depends on the other.

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
  return (LANGUAGES as readonly unknown[]).includes(value);
}

/**
 * The language of a Slack locale (`users.info` with `include_locale`: "en-US", "zh-CN", "zh-TW"…):
 * every Chinese locale reads the Simplified Chinese catalog — zh-TW included, as Traditional
 * readers read Simplified far better than English until a zh-TW catalog exists (docs/i18n.md) —
 * and everything else English. Null when Slack gave no locale.
 */
export function languageOfLocale(locale: string | null | undefined): Language | null {
  if (!locale) return null;
  return /^zh([-_]|$)/i.test(locale.trim()) ? 'zh-CN' : 'en';
}
