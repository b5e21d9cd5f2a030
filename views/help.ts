// The slash commands' arguments, read in either language (`/cart next` and `/cart 下周` alike),
// and their help texts. The words are the catalogs' ("arg.*": synonyms separated by "|"), so a
// command reads the same words its help shows.
import { LANGUAGES } from '../src/language.ts';
import { CATALOGS, type Key, type T } from './i18n/index.ts';
import { COMMANDS } from './ids.ts';

/** What an argument means: today, the working week ("this"), the planning week ("next"), or help. */
export type Arg = 'today' | 'this' | 'next' | 'help';
export type Command = keyof typeof COMMANDS;

const ARG_KEYS: Record<Arg, Key> = { today: 'arg.today', this: 'arg.this', next: 'arg.next', help: 'arg.help' };
/** The arguments each command takes. */
export const ARGS: Record<Command, readonly Arg[]> = { cart: ['this', 'next', 'help'], tasks: ['today', 'this', 'next', 'help'], teamCarts: ['this', 'next', 'help'] };

const normal = (s: string) => s.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');

/** Every word of every language, for each meaning. */
const WORDS: ReadonlyMap<string, Arg> = new Map(
  (Object.keys(ARG_KEYS) as Arg[]).flatMap((arg) =>
    LANGUAGES.flatMap((lang) => (CATALOGS[lang] as Record<string, string>)[ARG_KEYS[arg]]!.split('|').map((w) => [normal(w), arg] as const)),
  ),
);

/** The argument of a command: '' for none, null for one it does not take. */
export function parseArg(command: Command, text: string): Arg | '' | null {
  const word = normal(text);
  if (!word) return '';
  const arg = WORDS.get(word);
  return arg && ARGS[command].includes(arg) ? arg : null;
}

const HELP: Record<Command, Key> = { cart: 'help.cart', tasks: 'help.tasks', teamCarts: 'help.team_carts' };

/** A command's help, in the person's language (mrkdwn). */
export function helpText(t: T, command: Command): string {
  return `${t(HELP[command])}\n${t('help.weeks')}`;
}

/** An argument the command does not take: said so, with the help. */
export function unknownArgText(t: T, command: Command, text: string): string {
  return `${t('help.unknown', { command: COMMANDS[command], arg: [...text.trim()].slice(0, 50).join('') })}\n${helpText(t, command)}`;
}
