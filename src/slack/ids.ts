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
} as const;

export const VIEWS = {} as const;
