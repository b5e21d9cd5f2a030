// manifest.yml against Slack's official JSON Schema, and against the commands the app registers.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ACTIONS, COMMANDS, VIEWS } from '../../views/ids.ts';
import { registerAll } from '../../src/app.ts';
import type { Deps } from '../../src/slack/deps.ts';
import type { Listeners } from '../../src/slack/router.ts';

// Slack's official manifest schema (MIT, slackapi/manifest-schema v0.5.0), kept in the repository so the check
// runs wherever the project is checked out.
const SCHEMA_DIR = new URL('../support/manifest-schema/', import.meta.url);
const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Record<string, any>;

describe('manifest.yml', () => {
  it('validates against Slack’s manifest JSON Schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const root = JSON.parse(readFileSync(new URL('manifest.schema.json', SCHEMA_DIR), 'utf8'));
    for (const v of ['1.0.0', '2.0.0']) {
      const schema = JSON.parse(readFileSync(new URL(`schemas/manifest.schema.${v}.json`, SCHEMA_DIR), 'utf8'));
      ajv.addSchema(schema, `https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.${v}.json`);
    }
    const validate = ajv.compile(root);
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('declares the scopes, App Home tabs and the app_home_opened event the bot uses', () => {
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['channels:history', 'chat:write', 'commands', 'files:write', 'groups:history', 'im:history', 'im:write', 'users:read']);
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('lists exactly the slash commands the app registers', () => {
    const declared = manifest.features.slash_commands.map((c: { command: string }) => c.command);
    expect(registered().command.sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(Object.values(COMMANDS).sort());
  });
});

/** What the app registers (commands and listeners), by kind. */
function registered() {
  const seen: Record<keyof Listeners, string[]> = { command: [], action: [], view: [], options: [], event: [] };
  const record = (kind: keyof Listeners) => (id: string) => void seen[kind].push(id);
  registerAll({ command: record('command'), action: record('action'), view: record('view'), options: record('options'), event: record('event') }, { database: { db: {} } } as unknown as Deps);
  return seen;
}

describe('listener wiring', () => {
  it('has a listener for every action, view and options id the app can emit, and nothing registered twice', () => {
    const r = registered();
    const actionIds = Object.values(ACTIONS).flatMap((id) => (id === ACTIONS.dayPage ? [`${id}_prev`, `${id}_next`] : [id]));
    const emitted = actionIds.filter((id) => id !== ACTIONS.customerSearch);
    expect(r.action.sort()).toEqual(emitted.sort());
    expect(r.options).toEqual([ACTIONS.customerSearch]);
    // Every modal that has a submit button is handled; the day modal only closes.
    expect(r.view.sort()).toEqual(Object.values(VIEWS).filter((v) => v !== VIEWS.day).sort());
    expect(r.event).toEqual(['app_home_opened']);
    for (const list of Object.values(r)) expect(new Set(list).size).toBe(list.length);
  });

  it('emits only ids from ids.ts in the views it renders', () => {
    const source = ['views/cart.ts', 'views/day.ts', 'views/add-task.ts', 'views/commit.ts', 'views/pick.ts', 'views/tasks.ts', 'views/digest.ts']
      .map((f) => readFileSync(new URL(`../../${f}`, import.meta.url), 'utf8'))
      .join('\n');
    // action_id and callback_id are never string literals in a view: they come from ids.ts.
    expect(source.match(/(action_id|callback_id): '[^']*'/g) ?? []).toEqual([]);
  });
});
