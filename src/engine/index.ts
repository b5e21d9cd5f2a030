// The cart engine: pure functions of tasks and a week. No Slack, no database, no clock.
export * from './types.ts';
export * from './calendar.ts';
export * from './cart.ts';
export * from './suggest.ts';
export * from './balance.ts';
export type { Mip, MipAnswer, MipOptions, MipSolver } from './mip.ts';
export * from './edits.ts';
export { lightestAllowedDay } from './place.ts';
export * from './recommend.ts';
export * from './rules.ts';
export * from './weeks.ts';
export * from './reminders.ts';
export * from './rebalance.ts';
