// The router behind Bolt: each request reaches the one listener of its id, of its own kind, and
// nothing else; an id no listener has reaches none and breaks nothing. (The end-to-end tests drive
// every real listener through it over signed HTTP; here the routing itself, with Bolt's processEvent.)
import { App, type Receiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { routeListeners, type Listeners } from '../../src/slack/router.ts';

const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };

function appWith(register: (on: Listeners) => void) {
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-test', botId: 'B1', botUserId: 'UBOT' }) });
  const errors: unknown[] = [];
  app.error(async (e) => void errors.push(e));
  routeListeners(app, register);
  return { app, errors };
}

const user = { id: 'U1', team_id: 'T1' };
const bodies = {
  action: (id: string) => ({ type: 'block_actions', team: { id: 'T1' }, user, api_app_id: 'A1', token: 't', trigger_id: '1', container: { type: 'message' }, actions: [{ type: 'button', action_id: id, block_id: 'b', value: 'v', action_ts: '1' }] }),
  view: (id: string) => ({ type: 'view_submission', team: { id: 'T1' }, user, api_app_id: 'A1', token: 't', trigger_id: '1', view: { id: 'V1', callback_id: id, state: { values: {} }, private_metadata: '' } }),
  options: (id: string) => ({ type: 'block_suggestion', team: { id: 'T1' }, user, api_app_id: 'A1', token: 't', action_id: id, block_id: 'b', value: 'ab', container: { type: 'view' } }),
  command: (name: string) => ({ command: name, text: '', team_id: 'T1', user_id: 'U1', channel_id: 'D1', api_app_id: 'A1', token: 't', trigger_id: '1', response_url: 'https://hooks.slack.test/x' }),
  event: (type: string) => ({ type: 'event_callback', team_id: 'T1', api_app_id: 'A1', token: 't', event_id: 'Ev1', event_time: 1, event: { type, user: 'U1', channel: 'D1', tab: 'home', event_ts: '1' } }),
};
type Kind = keyof typeof bodies;
const KINDS = Object.keys(bodies) as Kind[];

describe('routing by id', () => {
  it('each request reaches the listener of its kind and id, and no other', async () => {
    const heard: string[] = [];
    const listener = (name: string) => async (args: { ack?: () => Promise<void> }) => {
      heard.push(name);
      await args.ack?.();
    };
    const { app, errors } = appWith((on) => {
      for (const kind of KINDS) {
        // Two ids of each kind, and the same id under every kind: only kind and id together pick one.
        for (const id of kind === 'command' ? ['/one', '/two'] : kind === 'event' ? ['app_home_opened', 'app_mention'] : ['one', 'two']) (on[kind] as (id: string, l: unknown) => void)(id, listener(`${kind}:${id}`));
      }
    });
    for (const kind of KINDS) {
      for (const id of kind === 'command' ? ['/one', '/two'] : kind === 'event' ? ['app_home_opened', 'app_mention'] : ['one', 'two']) {
        heard.length = 0;
        let acked = 0;
        await app.processEvent({ body: bodies[kind](id), ack: async () => void (acked += 1) });
        expect(heard, `${kind} ${id}`).toEqual([`${kind}:${id}`]);
        if (kind !== 'event') expect(acked).toBe(1);
      }
    }
    expect(errors).toEqual([]);
  });

  it('an id no listener has reaches no listener and raises nothing', async () => {
    const heard: string[] = [];
    const { app, errors } = appWith((on) => {
      on.action('known', async () => void heard.push('action'));
      on.view('known', async () => void heard.push('view'));
      on.options('known', async () => void heard.push('options'));
      on.command('/known', async () => void heard.push('command'));
    });
    let acked = 0;
    for (const body of [bodies.action('stale_button'), bodies.view('old_modal'), bodies.options('gone'), bodies.command('/other')]) await app.processEvent({ body, ack: async () => void (acked += 1) });
    expect(heard).toEqual([]);
    expect(acked).toBe(0);
    expect(errors).toEqual([]);
  });

  it('refuses a second listener for the same id of the same kind, as the app starts', () => {
    expect(() =>
      appWith((on) => {
        on.action('twice', async () => {});
        on.action('twice', async () => {});
      }),
    ).toThrow(/two listeners for the action twice/);
    // The same id under two kinds is two different requests.
    expect(() =>
      appWith((on) => {
        on.action('same', async () => {});
        on.view('same', async () => {});
      }),
    ).not.toThrow();
  });
});
