// Spaces calls out to at most `perSecond`, so a fan-out stays under Slack's workspace-wide
// message limit; 429s that still happen are retried by the Web API client after Retry-After.
export function pacer(perSecond: number, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): () => Promise<void> {
  const gap = 1000 / perSecond;
  let next = 0;
  return async () => {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + gap;
    if (at > now) await sleep(at - now);
  };
}
