// manifest.yml against Slack's official JSON Schema, and against the commands the app registers.
import { existsSync, readFileSync } from 'node:fs';
import { App } from '@slack/bolt';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/slack/ids.ts';
import { registerListeners } from '../../src/slack/listeners.ts';
import type { Deps } from '../../src/slack/deps.ts';

const SCHEMA_DIR = new URL('../../../shared/slack/manifest-schema/', import.meta.url);
const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Record<string, any>;

describe('manifest.yml', () => {
  it.runIf(existsSync(SCHEMA_DIR))('validates against Slack’s manifest JSON Schema', () => {
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
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['chat:write', 'commands', 'im:write', 'users:read']);
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('lists exactly the slash commands the app registers', () => {
    const registered: string[] = [];
    const app = new App({ token: 'xoxb-x', signingSecret: 'x', tokenVerificationEnabled: false });
    const original = app.command.bind(app);
    app.command = ((name: string, ...rest: unknown[]) => {
      registered.push(name);
      return (original as (...a: unknown[]) => void)(name, ...rest);
    }) as typeof app.command;
    registerListeners(app, {} as Deps);
    const declared = manifest.features.slash_commands.map((c: { command: string }) => c.command);
    expect(registered.sort()).toEqual(declared.sort());
    expect(declared.sort()).toEqual(Object.values(COMMANDS).sort());
  });
});
