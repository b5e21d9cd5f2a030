// A TCP proxy between the code under test and a server (PostgreSQL), that a test can break on purpose:
// `cut()` drops every connection and stops listening, so new ones are refused (a database that went
// away: ECONNREFUSED), `pause()` holds every byte both ways (a database that hangs), `restore()`
// goes back to normal on the same port.
//
//   const proxy = await new TcpProxy(5432).start();
//   const url = proxy.url('postgres://postgres@127.0.0.1:5432/db'); // same URL through the proxy
//   proxy.pause(); … proxy.restore();
import { createServer, connect, type Server, type Socket } from 'node:net';
import { postgresTarget } from '../../db/postgres-url.ts';

type Mode = 'open' | 'paused' | 'cut';
/** A client connection, its connection upstream, and the bytes held each way while paused. */
interface Pair {
  client: Socket;
  upstream: Socket;
  held: Array<[Socket, Buffer]>;
}

export class TcpProxy {
  private server: Server | null = null;
  private pairs = new Set<Pair>();
  private mode: Mode = 'open';
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  /** The same URL with its host and port replaced by the proxy's (a Unix socket's folder too, `?host=`). */
  url(target: string): string {
    const u = new URL(postgresTarget(target).url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** How many client connections are open through the proxy. */
  get connections(): number {
    return this.pairs.size;
  }

  async start(): Promise<this> {
    await this.listen();
    return this;
  }

  private async listen(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** Destroys every connection and stops listening: new ones are refused until `restore()`. */
  cut(): void {
    this.mode = 'cut';
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.server?.close();
    this.server = null;
  }

  /** Holds every byte, both ways, on open and new connections: the server seems to hang. */
  pause(): void {
    this.mode = 'paused';
  }

  /** Back to normal: held bytes flow on, new connections are accepted on the same port. */
  async restore(): Promise<void> {
    const wasCut = this.mode === 'cut';
    this.mode = 'open';
    for (const pair of this.pairs) {
      for (const [to, bytes] of pair.held.splice(0)) to.write(bytes);
    }
    if (wasCut && !this.server) await this.listen();
  }

  async stop(): Promise<void> {
    this.cut();
  }

  private accept(client: Socket): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const pair: Pair = { client, upstream, held: [] };
    this.pairs.add(pair);
    const close = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    const forward = (to: Socket) => (bytes: Buffer) => {
      if (this.mode === 'paused') pair.held.push([to, bytes]);
      else to.write(bytes);
    };
    client.on('data', forward(upstream)).on('error', close).on('close', close);
    upstream.on('data', forward(client)).on('error', close).on('close', close);
  }
}
