// Every action_id, callback_id and block_id the app emits or listens for, in one place.
export const COMMANDS = {
  cart: '/cart',
  tasks: '/tasks',
  teamCarts: '/team-carts',
} as const;

export const ACTIONS = {
  applySuggestion: 'cart_apply_suggestion',
  autoBalance: 'cart_auto_balance',
  commit: 'cart_commit',
  reopen: 'cart_reopen',
  taskDone: 'task_done',
  taskSkip: 'task_skip',
  taskUndo: 'task_undo',
  homeOpenCart: 'home_open_cart',
  reminderSwitch: 'home_reminder_switch',
  openDay: 'cart_open_day',
  addTask: 'cart_add_task',
  pickCustomers: 'cart_pick_customers',
  dayTaskMenu: 'day_task_menu',
  dayPage: 'day_page',
  customerSearch: 'customer_search',
  nudge: 'team_nudge',
  approve: 'exception_approve',
  sendBack: 'exception_send_back',
  rebalance: 'team_rebalance',
  applyRebalance: 'team_rebalance_apply',
} as const;

export const VIEWS = {
  day: 'cart_day',
  addTask: 'add_task',
  commitReason: 'commit_reason',
  pickFilters: 'pick_filters',
  pickTasks: 'pick_tasks',
  sendBack: 'exception_send_back_note',
} as const;

/** block_id of each input, so validation errors land under the right field. */
export const INPUTS = {
  title: 'add_title',
  customer: 'add_customer',
  type: 'add_type',
  day: 'add_day',
  effort: 'add_effort',
  priority: 'add_priority',
  notes: 'add_notes',
  reason: 'commit_reason_text',
  segment: 'pick_segment',
  region: 'pick_region',
  tags: 'pick_tags',
  lastContact: 'pick_last_contact',
  mine: 'pick_mine',
  pickDay: 'pick_day',
  note: 'send_back_note',
} as const;

/** The one action inside each input block. */
export const VALUE = 'value';
