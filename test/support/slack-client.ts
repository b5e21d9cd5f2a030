// Acting as the agent in Slack: what they see (the last message or view) and what they click or submit.
import { expect } from 'vitest';
import type { TestApp } from './app.ts';
import { eventually } from './app.ts';
import { commandBody, payloadBody, post } from './signed.ts';

export type Blocks = Array<Record<string, any>>;

let clicks = 0;
/** Slack stamps every click with its own action_ts (seconds and a unique fraction). */
export const actionTs = () => `${Math.floor(Date.now() / 1000)}.${String(++clicks).padStart(6, '0')}`;
export type View = { id?: string; hash?: string; callback_id?: string; private_metadata?: string; blocks: Blocks };

export class Agent {
  constructor(
    readonly app: TestApp,
    readonly id: string,
  ) {}

  /** The cart message as it stands: the last post or update in my DM (a supervisor's approval DM is in theirs). */
  message(): { blocks: Blocks; text: string } {
    const mine = `D${this.id.slice(1)}`;
    const calls = this.app.slack.calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.args.channel === mine && Array.isArray(c.args.blocks) && (c.args.blocks as Blocks).length > 1);
    const last = calls.at(-1)!;
    return { blocks: last.args.blocks as Blocks, text: String(last.args.text) };
  }

  /** The modal on screen: the last views.open or views.update. */
  modal(): View {
    const calls = this.app.slack.calls.filter((c) => c.method === 'views.open' || c.method === 'views.update');
    const last = calls.at(-1)!;
    const answer = last.result as { view?: { id: string; hash: string } };
    return { ...(last.args.view as View), id: answer.view!.id, hash: answer.view!.hash };
  }

  elements(blocks: Blocks): Record<string, any>[] {
    return blocks.flatMap((b) => [...(b.elements ?? []), ...(b.accessory ? [{ ...b.accessory, block_id: b.block_id }] : [])]);
  }

  button(actionId: string, blocks = this.message().blocks, match?: (e: Record<string, any>) => boolean): Record<string, any> {
    const found = this.elements(blocks).find((e) => e.action_id === actionId && (!match || match(e)));
    if (!found) throw new Error(`no ${actionId} on screen`);
    return found;
  }

  private base(extra: Record<string, unknown>) {
    return {
      user: { id: this.id, username: this.id.toLowerCase(), team_id: 'T0DEMO' },
      api_app_id: 'A0TASKCART',
      token: 'legacy',
      team: { id: 'T0DEMO', domain: 'demo' },
      trigger_id: `trigger.${Math.random()}`,
      ...extra,
    };
  }

  async command(command: string, text = '', responseId = command) {
    const res = await post(this.app.baseUrl, commandBody(command, this.id, text, this.app.slack.responseUrl(responseId)));
    expect(res.status).toBe(200);
  }

  /** The signed body of a click on a message button: post it twice and it is a replay. */
  clickBody(actionId: string, value: string, responseId = actionId): string {
    return payloadBody(
      this.base({
        type: 'block_actions',
        container: { type: 'message', message_ts: '1', channel_id: `D${this.id.slice(1)}` },
        channel: { id: `D${this.id.slice(1)}`, name: 'directmessage' },
        response_url: this.app.slack.responseUrl(responseId),
        actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: actionTs() }],
      }),
    );
  }

  async click(actionId: string, value: string, responseId = actionId) {
    const res = await post(this.app.baseUrl, this.clickBody(actionId, value, responseId));
    expect(res.status).toBe(200);
  }

  /** A click on a button in App Home: Slack sends the Home as it shows it, its id and hash. */
  async clickInHome(actionId: string, value: string) {
    const home = this.app.slack.homeOf(this.id);
    const res = await post(
      this.app.baseUrl,
      payloadBody(
        this.base({
          type: 'block_actions',
          container: { type: 'view', view_id: home?.id ?? 'VHOME' },
          view: { id: home?.id ?? 'VHOME', type: 'home', hash: home?.hash ?? 'h0', blocks: home?.view.blocks ?? [], state: { values: {} } },
          actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: actionTs() }],
        }),
      ),
    );
    expect(res.status).toBe(200);
  }

  /** Picks an option of a select inside the open modal. */
  async choose(view: View, actionId: string, blockId: string, value: string) {
    const res = await post(
      this.app.baseUrl,
      payloadBody(
        this.base({
          type: 'block_actions',
          container: { type: 'view', view_id: view.id },
          view: { ...view, type: 'modal', state: { values: {} } },
          actions: [{ type: 'static_select', action_id: actionId, block_id: blockId, selected_option: { text: { type: 'plain_text', text: value }, value }, action_ts: actionTs() }],
        }),
      ),
    );
    expect(res.status).toBe(200);
  }

  async clickInModal(view: View, actionId: string, value: string) {
    const res = await post(
      this.app.baseUrl,
      payloadBody(this.base({ type: 'block_actions', container: { type: 'view', view_id: view.id }, view: { ...view, type: 'modal', state: { values: {} } }, actions: [{ type: 'button', action_id: actionId, block_id: 'nav', value, action_ts: actionTs() }] })),
    );
    expect(res.status).toBe(200);
  }

  /** The signed body of a modal's submission: post it twice and it is a replay. */
  submitBody(view: View, values: Record<string, Record<string, unknown>>): string {
    return payloadBody(this.base({ type: 'view_submission', view: { ...view, type: 'modal', state: { values } }, response_urls: [] }));
  }

  /** Submits the modal with these input values; returns Slack's HTTP answer (errors, update…). */
  async submit(view: View, values: Record<string, Record<string, unknown>>): Promise<Record<string, any>> {
    const res = await post(this.app.baseUrl, this.submitBody(view, values));
    expect(res.status).toBe(200);
    return res.body ? res.json() : {};
  }

  async suggest(actionId: string, blockId: string, value: string): Promise<Record<string, any>> {
    const res = await post(this.app.baseUrl, payloadBody(this.base({ type: 'block_suggestion', action_id: actionId, block_id: blockId, value, view: { id: 'V1', type: 'modal' } })));
    expect(res.status).toBe(200);
    return res.json();
  }

  /** Waits until the app has finished the work it does after the ack. */
  async settle() {
    let seen = -1;
    await eventually(() => {
      const n = this.app.slack.calls.length + this.app.slack.responses.length;
      // Listeners work on after Slack's ack: settled means no request is still being processed
      // (busy counts each from before its ack to its last listener's end) and nothing new reached
      // Slack since the last look, a poll earlier.
      if (n !== seen || this.app.busy.requests > 0) {
        seen = n;
        throw new Error('still changing');
      }
    }, 20_000);
  }
}

export const text = (blocks: Blocks) => JSON.stringify(blocks);
