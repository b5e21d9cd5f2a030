// What a text is asked for by: its key in the catalogs and the values put in it. Apart from
// index.ts so that ../format.ts, which index.ts hands every `T`, can name them without importing
// index.ts back.
import type { Markup } from '../text.ts';
import type { en } from './en.ts';

/** A key of the catalogs, without its plural suffix: `cart.tasks` for `cart.tasks_one` / `cart.tasks_other`. */
export type Key = Base<keyof typeof en>;
type Base<K> = K extends `${infer B}_one` ? B : K extends `${infer B}_other` ? B : K;

/** Values interpolated into a mrkdwn text: people's text (escaped), numbers, or the bot's own Markup. */
export type Params = Readonly<Record<string, string | number | Markup>> & { count?: number };
/** Values interpolated into a plain_text text: taken as they are. */
export type PlainParams = Readonly<Record<string, string | number>> & { count?: number };
