// The proxy that tests use to make a database go away or hang: it must do exactly that.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.ts';

let echo: Server;
let proxy: TcpProxy;
beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  proxy = await new TcpProxy((echo.address() as { port: number }).port).start();
});
afterAll(async () => {
  await proxy.stop();
  await new Promise((r) => echo.close(r));
});

function open(): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let data = '';
    let closed = false;
    const socket = connect(proxy.port, '127.0.0.1', () => resolve({ socket, received: () => data, closed: () => closed }));
    socket.on('data', (d) => (data += d.toString())).on('close', () => (closed = true)).on('error', reject);
  });
}
const refused = () => open().then(() => 'accepted', (e: NodeJS.ErrnoException) => e.code);
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

describe('TcpProxy', () => {
  it('forwards, holds bytes while paused, delivers them on restore', async () => {
    const c = await open();
    c.socket.write('one');
    await settle();
    expect(c.received()).toBe('one');
    proxy.pause();
    c.socket.write('two');
    await settle();
    expect(c.received()).toBe('one');
    await proxy.restore();
    await settle();
    expect(c.received()).toBe('onetwo');
    c.socket.destroy();
  });

  it('cut drops open connections and refuses new ones until restore', async () => {
    const c = await open();
    proxy.cut();
    await settle();
    expect(c.closed()).toBe(true);
    expect(await refused()).toBe('ECONNREFUSED');
    await proxy.restore();
    const again = await open();
    again.socket.write('back');
    await settle();
    expect(again.received()).toBe('back');
    again.socket.destroy();
  });
});
