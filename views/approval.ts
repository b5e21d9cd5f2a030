// Approving an exception: the DM each supervisor of the team gets for a cart committed with flagged
// days and a reason — whose cart, which week (named as the team's planning or working week), each
// flagged day with its planned minutes against capacity, the agent's reason, and Approve / Send
// back — edited in place for every supervisor once one of them decides; Send back's modal with its
// note; and what the agent and the supervisor who clicked are told.
import type { KnownBlock, View } from '@slack/types';
import type { Approval } from '../src/services/approvals.ts';
import { isLanguage, type Language } from '../src/language.ts';
import type { T } from './i18n/index.ts';
import { ACTIONS, INPUTS, VALUE, VIEWS } from './ids.ts';
import { LIMITS, mrkdwn, plain } from './limits.ts';
import { flagText } from './notices.ts';
import { md } from './text.ts';

/** The value of both buttons: the exception's id. */
export const approvalValue = (exceptionId: number) => String(exceptionId);
export function parseApprovalValue(value: string): number | null {
  return /^\d{1,10}$/.test(value) ? Number(value) : null;
}

/** Send back's private_metadata: the exception, and the modal's language (for its errors before the ack). */
export const encodeSendBackRef = (exceptionId: number, language: Language) => `${exceptionId}:${language}`;
export function decodeSendBackRef(metadata: string): { exceptionId: number; language: Language } | null {
  const [id, language] = metadata.split(':');
  const exceptionId = parseApprovalValue(id ?? '');
  return exceptionId === null ? null : { exceptionId, language: isLanguage(language) ? language : 'en' };
}

/** The note's longest length: the server's own limit (NOTE_MAX, src/services/forms.ts). */
const NOTE_MAX = 500;

/** "next week, being planned (week of 30 Nov)". */
export function approvalWeek(t: T, a: Pick<Approval, 'week' | 'weekStart'>): string {
  const week = t.fmt.week(a.weekStart);
  if (a.week === 'planning') return t('approval.week_planning', { week });
  if (a.week === 'working') return t('approval.week_working', { week });
  return t('approval.week_any', { week });
}

/** Where the exception stands, once decided: "✅ Approved by @x", "↩️ Sent back by @x: note". */
export function approvalState(t: T, a: Approval): string {
  const who = md(t.fmt.person(a.decidedBy ?? ''));
  switch (a.status) {
    case 'pending':
      return t('approval.pending');
    case 'approved':
      return t('approval.approved', { who });
    case 'sent_back':
      return t('approval.sent_back', { who, note: a.note ?? '' });
    case 'withdrawn':
      return t('approval.withdrawn', { agent: md(t.fmt.person(a.agentId)) });
  }
}

/** The supervisor's DM: buttons while it is to decide; after, who decided, the same for every supervisor. */
export function approvalMessage(t: T, a: Approval): { text: string; blocks: KnownBlock[] } {
  const agent = md(t.fmt.person(a.agentId));
  const week = md(approvalWeek(t, a));
  const days = a.flagged.map((d) =>
    t('approval.day_line', { day: t.fmt.day(d.day), flag: md(flagText(t, d.flag)), minutes: t.fmt.minutes(d.minutes), capacity: t.fmt.minutes(d.capacity) }),
  );
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(t.plain('approval.header'), LIMITS.headerText) },
    { type: 'section', text: mrkdwn(t('approval.intro', { agent, week })) },
    { type: 'section', text: mrkdwn(days.length ? days.join('\n') : t('approval.no_days')) },
    { type: 'section', text: mrkdwn(t('approval.reason', { reason: a.reason })) },
  ];
  if (a.status === 'pending') {
    const value = approvalValue(a.id);
    blocks.push(
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: ACTIONS.approve, style: 'primary', text: plain(t.plain('approval.approve'), LIMITS.buttonText), value },
          { type: 'button', action_id: ACTIONS.sendBack, style: 'danger', text: plain(t.plain('approval.send_back'), LIMITS.buttonText), value },
        ],
      },
      { type: 'context', elements: [mrkdwn(t('approval.who_decides', { team: a.teamName }))] },
    );
  } else {
    blocks.push({ type: 'section', text: mrkdwn(approvalState(t, a)) });
  }
  return { text: t('approval.text', { agent, week }), blocks };
}

/** Send back: a required note, which the agent reads. */
export function sendBackModal(t: T, a: Approval): View {
  return {
    type: 'modal',
    callback_id: VIEWS.sendBack,
    private_metadata: encodeSendBackRef(a.id, t.language),
    title: plain(t.plain('send_back.title'), LIMITS.modalTitle),
    submit: plain(t.plain('send_back.submit'), LIMITS.modalTitle),
    close: plain(t.plain('button.cancel'), LIMITS.modalTitle),
    blocks: [
      { type: 'section', text: mrkdwn(t('send_back.intro', { agent: md(t.fmt.person(a.agentId)), week: md(approvalWeek(t, a)) })) },
      {
        type: 'input',
        block_id: INPUTS.note,
        label: plain(t.plain('send_back.note_label'), LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: VALUE, multiline: true, max_length: NOTE_MAX },
      },
    ],
  };
}

/** To a supervisor whose click came after the decision: nothing changed, and who decided. */
export function alreadyDecidedText(t: T, a: Approval): string {
  return t('approval.already', { state: md(approvalState(t, a)) });
}

/** To the agent, in a DM of its own: the decision on their exception. */
export function agentDecisionText(t: T, a: Approval): string {
  const who = md(t.fmt.person(a.decidedBy ?? ''));
  const week = md(approvalWeek(t, a));
  return a.status === 'sent_back' ? t('approval.agent_sent_back', { who, week, note: a.note ?? '' }) : t('approval.agent_approved', { who, week });
}
