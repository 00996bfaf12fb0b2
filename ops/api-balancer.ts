// One port in front of several API processes, as a load balancer is in production: each request
// goes to the next process in turn; a process that refuses the connection (killed, restarting) is
// skipped for that request and the next one is tried. Requests and answers pass through untouched.
import { request, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ApiBalancerOptions {
  host: string;
  port: number;
  upstreamPorts: number[];
}

export interface ApiBalancerHandle {
  url: string;
  /** Requests each upstream port has answered. */
  answered: Map<number, number>;
  close(): Promise<void>;
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  ports: number[],
  answered: Map<number, number>,
): void {
  const [port, ...rest] = ports;
  if (port === undefined) {
    res.writeHead(502).end();
    return;
  }
  const upstream = request(
    { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      answered.set(port, (answered.get(port) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
  );
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    // Only a refused connection is retried elsewhere: the request never reached a process.
    if (err.code === 'ECONNREFUSED' && !res.headersSent) forward(req, res, body, rest, answered);
    else if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  upstream.end(body);
}

export async function startApiBalancer(options: ApiBalancerOptions): Promise<ApiBalancerHandle> {
  let next = 0;
  const answered = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const first = next++ % options.upstreamPorts.length;
      const order = [...options.upstreamPorts.slice(first), ...options.upstreamPorts.slice(0, first)];
      forward(req, res, Buffer.concat(chunks), order, answered);
    });
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      server.off('error', fail);
      done();
    });
  });
  return {
    url: `http://127.0.0.1:${options.port}`,
    answered,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
