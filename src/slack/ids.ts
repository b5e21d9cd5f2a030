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
} as const;

export const VIEWS = {} as const;
