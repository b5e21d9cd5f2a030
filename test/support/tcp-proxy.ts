// A TCP proxy in front of PostgreSQL that a test can break as networks break:
// - cut(): every open connection is dropped and new ones are refused (the server went away);
// - pause(): connections stay open but nothing passes either way (the server hangs);
// - restore(): traffic flows again; what was held during a pause is delivered.
// `url` is the database URL with the proxy's address in place of the server's.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

interface Pair {
  client: Socket;
  server: Socket;
  /** Held while paused, each way. */
  toServer: Buffer[];
  toClient: Buffer[];
}

export class TcpProxy {
  private listener: Server | null = null;
  private pairs = new Set<Pair>();
  private state: 'open' | 'paused' | 'cut' = 'open';
  private readonly target: { host: string; port: number };
  private port = 0;

  constructor(private readonly databaseUrl: string) {
    const u = new URL(databaseUrl);
    this.target = { host: u.hostname, port: Number(u.port || 5432) };
  }

  get url(): string {
    const u = new URL(this.databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** How many connections pass through now. */
  get connections(): number {
    return this.pairs.size;
  }

  async start(): Promise<this> {
    this.listener = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.listener!.listen(0, '127.0.0.1', resolve));
    this.port = (this.listener!.address() as AddressInfo).port;
    return this;
  }

  cut(): void {
    this.state = 'cut';
    for (const p of this.pairs) this.drop(p);
  }

  pause(): void {
    if (this.state === 'open') this.state = 'paused';
  }

  restore(): void {
    this.state = 'open';
    for (const p of this.pairs) {
      for (const chunk of p.toServer.splice(0)) p.server.write(chunk);
      for (const chunk of p.toClient.splice(0)) p.client.write(chunk);
    }
  }

  async stop(): Promise<void> {
    for (const p of this.pairs) this.drop(p);
    await new Promise<void>((resolve) => this.listener?.close(() => resolve()) ?? resolve());
  }

  private accept(client: Socket): void {
    if (this.state === 'cut') {
      client.destroy();
      return;
    }
    const server = connect(this.target.port, this.target.host);
    const pair: Pair = { client, server, toServer: [], toClient: [] };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => (this.state === 'open' ? server.write(chunk) : pair.toServer.push(chunk)));
    server.on('data', (chunk: Buffer) => (this.state === 'open' ? client.write(chunk) : pair.toClient.push(chunk)));
    const close = () => this.drop(pair);
    for (const s of [client, server]) {
      s.on('error', close);
      s.on('close', close);
    }
  }

  private drop(p: Pair): void {
    if (!this.pairs.delete(p)) return;
    p.client.destroy();
    p.server.destroy();
  }
}
