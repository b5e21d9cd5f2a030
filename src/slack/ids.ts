// Every action_id, callback_id and block_id the app emits or listens for, in one place.
export const COMMANDS = {
  cart: '/cart',
  tasks: '/tasks',
  teamCarts: '/team-carts',
} as const;

export const ACTIONS = {
  openCart: 'cart_open',
} as const;

export const VIEWS = {} as const;
