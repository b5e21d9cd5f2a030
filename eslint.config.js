import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'dist', 'db/migrations'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Build scripts and the bench's plain Bolt app run on Node.
    files: ['scripts/**/*.mjs', 'test/bench/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The engine is pure: no Slack, no database, no clock.
    files: ['src/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['@slack/*', 'drizzle-orm*', '**/db/**', 'postgres', '@electric-sql/*'], message: 'The engine is pure.' }] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Pass the time in.' }],
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass the time in.' }],
    },
  },
  {
    // Views are pure Block Kit builders.
    files: ['views/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['drizzle-orm*', '**/db/**', '@slack/bolt'], allowTypeImports: true, message: 'Views render state; they do not fetch it.' },
            { group: ['**/src/slack/**', '**/commands/**'], message: 'Imports point down: the listeners use the views, not the other way round (ids live in views/ids.ts).' },
          ],
        },
      ],
    },
  },
  {
    // The Slack listeners are registered by src/app.ts, the composition root, beside the commands.
    files: ['src/slack/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/commands/**'], message: 'Imports point down: src/app.ts registers the commands.' }] }],
    },
  },
);
