// The workers' logs of their cart changes (src/peer-log.ts): a change one worker appends reaches
// another when that one catches up — not before, once, in order, across the logs' generations,
// whatever its characters — and a log gone before it was read, or a line that is not a change, is
// told as lost, so the reader lets go of what it keeps.
import { existsSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { logPeers, makePeerFolder, removeLogsOf, removePeerFolder, ROTATE_BYTES } from '../../src/peer-log.ts';
import type { SharedChange } from '../../src/services/cart-peers.ts';
import { tempDir } from '../support/temp.ts';

/** A change as cart-peers.ts shares it; `title` makes it as long as wanted. */
const change = (cartId: number, version: number, title = ''): SharedChange => ({
  cartId,
  from: version - 1,
  fromContext: 'c',
  context: 'c',
  names: 0,
  cart: { version, status: 'open', exceptionReason: null, channelId: 'D1', messageTs: '1.1', committedAt: null, updatedAt: '2026-11-27T00:00:00.000Z' },
  removed: [],
  tasks: title ? [{ id: String(version), title } as never] : [],
  sorted: true,
  age: 0,
});

const open: { close(): void }[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

/** Two workers' peers in one folder, with what each one followed and was told was lost. */
function twoWorkers(every = 60_000) {
  const folder = makePeerFolder(tempDir('peers'));
  const worker = (pid: number) => {
    const gone: string[] = [];
    const peers = logPeers(folder, pid, every, (f) => gone.push(f));
    const heard: SharedChange[] = [];
    const lost: number[] = [];
    peers.subscribe(
      (c) => heard.push(c),
      () => lost.push(heard.length),
    );
    open.push(peers);
    return { peers, heard, lost, gone };
  };
  return { folder, a: worker(101), b: worker(202) };
}

describe('the workers’ logs of their cart changes', () => {
  it('a change reaches the other worker when it catches up, once and in order; not the writer itself', async () => {
    // Rounds every 50 ms: `a` started before `b`'s log was there, and finds it on its next round.
    const { a, b } = twoWorkers(50);
    a.peers.publish(change(1, 2));
    a.peers.publish(change(1, 3));
    b.peers.publish(change(7, 9));
    expect(b.heard).toEqual([]); // nothing read until it looks
    b.peers.catchUp();
    expect(b.heard.map((c) => c.cart.version)).toEqual([2, 3]);
    b.peers.catchUp();
    expect(b.heard).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 150));
    expect(a.heard.map((c) => c.cartId)).toEqual([7]);
    expect(b.heard).toHaveLength(2);
    expect([...a.lost, ...b.lost]).toEqual([]);
  });

  it('carries any text whole, a character cut by a read too, and a change as long as an Apply of a whole week', () => {
    const { a, b } = twoWorkers();
    // 64 kB reads: a three-byte character at every offset across a read's end, and a change of 200 kB.
    const titles = ['王先生回访 🧾 «Ā»', '回'.repeat(21_845) + 'x', 'é'.repeat(100_000)];
    for (const [i, title] of titles.entries()) a.peers.publish(change(1, i + 2, title));
    b.peers.catchUp();
    expect(b.heard.map((c) => (c.tasks[0] as { title: string }).title)).toEqual(titles);
  });

  it('goes on to the next log when one is full, without a change missed or repeated', () => {
    const { folder, a, b } = twoWorkers();
    const title = 'x'.repeat(4000);
    const n = Math.ceil((2.5 * ROTATE_BYTES) / title.length);
    for (let v = 1; v <= n; v++) {
      a.peers.publish(change(1, v, title));
      if (v % 97 === 0) b.peers.catchUp();
    }
    b.peers.catchUp();
    expect(b.heard.map((c) => c.cart.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(readdirSync(folder).filter((f) => f.startsWith('101.')).sort()).toEqual(['101.0.log', '101.1.log', '101.2.log']);
    expect(b.lost).toEqual([]);
  });

  it('a log deleted before it was read, or a line that is not a change, is told as lost; what follows is still read', () => {
    const { folder, a, b } = twoWorkers();
    const title = 'y'.repeat(8000);
    a.peers.publish(change(1, 1));
    b.peers.catchUp();
    // Two logs filled while the other worker did not look, the middle one gone meanwhile.
    let v = 1;
    while (!existsSync(join(folder, '101.2.log'))) a.peers.publish(change(1, ++v, title));
    unlinkSync(join(folder, '101.1.log'));
    a.peers.publish(change(1, ++v));
    b.peers.catchUp();
    expect(b.lost).toHaveLength(1);
    expect(b.heard.at(-1)!.cart.version).toBe(v);

    // A line that is not a change (a partly written file from another program, a disk error).
    writeFileSync(join(folder, '303.0.log'), `not json\n${JSON.stringify(change(5, 6))}\n`);
    const c = logPeers(folder, 404, 60_000);
    open.push(c);
    const heard: number[] = [];
    let lost = 0;
    c.subscribe(
      (x) => heard.push(x.cartId),
      () => lost++,
    );
    c.catchUp();
    expect(lost).toBe(1);
    expect(heard).toContain(5);
  });

  it('follows each change once and in order, one appended while it follows too', () => {
    const { a, b } = twoWorkers();
    const order: number[] = [];
    b.peers.subscribe((c) => {
      order.push(c.cart.version);
      // The other worker appends meanwhile; following looks at the cache, which catches up.
      if (c.cart.version === 1) a.peers.publish(change(1, 6));
      b.peers.catchUp();
    });
    for (let v = 1; v <= 5; v++) a.peers.publish(change(1, v));
    b.peers.catchUp();
    expect(order).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a stopped worker’s logs, every generation, are removed; no other worker’s', () => {
    const { folder } = twoWorkers();
    for (const name of ['101.1.log', '1010.0.log', 'notes.txt']) writeFileSync(join(folder, name), '');
    removeLogsOf(folder, 101);
    expect(readdirSync(folder).sort()).toEqual(['1010.0.log', '202.0.log', 'notes.txt']);
    removeLogsOf(join(folder, 'gone'), 101); // the folder gone with the primary: nothing thrown
  });

  it('a worker started later finds the logs already there; one made later is found on the next round', async () => {
    const { folder, a } = twoWorkers(50);
    a.peers.publish(change(1, 2));
    const late = logPeers(folder, 505, 50);
    open.push(late);
    const heard: number[] = [];
    late.subscribe((c) => heard.push(c.cart.version));
    late.catchUp();
    expect(heard).toEqual([2]);
    const newer = logPeers(folder, 606, 50);
    open.push(newer);
    newer.publish(change(3, 4));
    late.catchUp(); // not listed yet: found by the round every 50 ms
    await new Promise((r) => setTimeout(r, 200));
    expect(heard).toEqual([2, 4]);
    removePeerFolder(folder);
    expect(existsSync(folder)).toBe(false);
    newer.publish(change(3, 5)); // the folder gone (the primary stopped): nothing thrown
  });

  it('a folder deleted under them (a cleaner of the temporary folder) is told once by each; moved to another, they follow each other again, every kept cart let go', async () => {
    const { folder, a, b } = twoWorkers(50);
    a.peers.publish(change(1, 2));
    b.peers.catchUp();
    removePeerFolder(folder);
    // Appended to a log no one can list any more (read still by `b`, which has it open): nothing thrown.
    a.peers.publish(change(1, 3));
    await new Promise((r) => setTimeout(r, 250)); // several rounds: each tells it once
    expect(a.gone).toEqual([folder]);
    expect(b.gone).toEqual([folder]);
    const next = makePeerFolder(tempDir('peers'));
    a.peers.moveTo(next);
    b.peers.moveTo(next);
    expect([a.lost.length, b.lost.length]).toEqual([1, 1]);
    expect(readdirSync(next).sort()).toEqual(['101.0.log', '202.0.log']);
    a.peers.publish(change(1, 4));
    b.peers.catchUp();
    expect(b.heard.map((c) => c.cart.version)).toEqual([2, 3, 4]);
    b.peers.publish(change(7, 8));
    await new Promise((r) => setTimeout(r, 150)); // `a` moved first: it finds `b`'s new log on a round
    expect(a.heard.map((c) => c.cart.version)).toEqual([8]);
    // Deleted again: told again.
    removePeerFolder(next);
    await new Promise((r) => setTimeout(r, 150));
    expect(a.gone).toEqual([folder, next]);
    // A worker started just after (the primary had passed it the folder gone): told at once, and logs once moved.
    const told: string[] = [];
    const late = logPeers(next, 303, 50, (f) => told.push(f));
    open.push(late);
    expect(told).toEqual([next]);
    late.publish(change(9, 10)); // nowhere to write yet: nothing thrown
    const third = makePeerFolder(tempDir('peers'));
    late.moveTo(third);
    a.peers.moveTo(third);
    late.publish(change(9, 11));
    a.peers.catchUp();
    expect(a.heard.map((c) => c.cart.version).slice(-1)).toEqual([11]);
  });
});
