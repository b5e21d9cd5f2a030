// The reminder DMs after a click on Done, Skip or Undo (in a reminder or in App Home): each reminder
// of that day is edited in place to show the day's tasks as they stand, in the agent's language.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.ts';
import { reminderState, type ReminderKind } from '../services/reminders.ts';
import { reminderMessage } from '../../views/reminder.ts';
import type { Languages } from './language.ts';
import { refusalOf } from './web-client.ts';

/** A reminder message clicked in: its kind and day (from the button's block), and where it is. */
export interface ClickedReminder {
  kind: ReminderKind;
  day: string;
  channelId: string;
  ts: string;
}

/**
 * Edits the agent's reminders of a day: those recorded as sent, and the one clicked in (a message
 * a stopped run posted may not be recorded yet). Without a click in one, today's. A reminder the
 * agent deleted stays deleted.
 */
export async function refreshReminders(client: WebClient, db: Db, languages: Languages, userId: string, now: Date, clicked: ClickedReminder | null): Promise<void> {
  const state = await reminderState(db, userId, clicked?.day ?? null, now);
  if (!state) return;
  const messages = [...state.messages];
  if (clicked && !messages.some((m) => m.ts === clicked.ts && m.channelId === clicked.channelId)) messages.push(clicked);
  if (!messages.length) return;
  const t = await languages.of(client, state.person);
  await Promise.all(
    messages.map(async (m) => {
      const message = reminderMessage(t, { kind: m.kind, day: state.day, tasks: state.tasks, minutesLeft: m.kind === 'end' ? state.minutesLeft : null, earlier: state.earlier });
      try {
        await client.chat.update({ channel: m.channelId, ts: m.ts, ...message });
      } catch (e) {
        const code = refusalOf(e);
        if (code !== 'message_not_found' && code !== 'cant_update_message') throw e;
      }
    }),
  );
}
