// Temporal Web as the dev server serves it, with the one setting `temporal server start-dev` has no
// flag for: the codec call carries the browser's cookies (ui-server's `codec.includeCredentials`,
// TEMPORAL_CODEC_INCLUDE_CREDENTIALS in the temporalio/ui image that docker-compose runs). Without
// it Temporal Web calls the codec with no credentials and the API can only answer 401. Every other
// request and answer passes through untouched, but write actions: Temporal Web is for looking, so its
// settings answer turns write actions off (DisableWriteActions, TEMPORAL_DISABLE_WRITE_ACTIONS in the
// image) and any call that would change a workflow (signal, update, terminate, cancel, reset, start,
// batch and schedule changes) is answered 403 here. Ops change workflows only through the API or
// the temporal CLI on the host.
import { request, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

const SETTINGS_PATH = /\/api\/v1\/settings$/;
const MAX_SETTINGS_BYTES = 1024 * 1024;

export interface TemporalWebOptions {
  host: string;
  port: number;
  /** Where the dev server's own UI listens. */
  upstreamPort: number;
}

export interface TemporalWebHandle {
  url: string;
  close(): Promise<void>;
}

function withCodecCredentials(body: Buffer): Buffer {
  const settings = JSON.parse(body.toString('utf8')) as {
    Codec?: Record<string, unknown>;
    DisableWriteActions?: boolean;
  };
  settings.Codec = { ...settings.Codec, IncludeCredentials: true };
  settings.DisableWriteActions = true;
  return Buffer.from(JSON.stringify(settings));
}

/** Reads Temporal Web may make by POST: workflow queries (the stack trace, the loan view). */
const QUERY_PATH = /^\/api\/v1\/namespaces\/[^/]+\/workflows\/[^/]+\/query\/[^/]+$/;

/** A call to Temporal's API that could change something; only reads pass. */
export function isWriteAction(method: string | undefined, path: string): boolean {
  if (!path.startsWith('/api/')) return false;
  const verb = (method ?? 'GET').toUpperCase();
  if (verb === 'GET' || verb === 'HEAD' || verb === 'OPTIONS') return false;
  return !(verb === 'POST' && QUERY_PATH.test(path));
}

function forward(options: TemporalWebOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://ui').pathname;
  if (isWriteAction(req.method, path)) {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Temporal Web is read-only; write actions are disabled' }));
    req.resume();
    return;
  }
  const isSettings = req.method === 'GET' && SETTINGS_PATH.test(path);
  const headers = { ...req.headers };
  // The settings answer is rewritten, so it must come back uncompressed.
  if (isSettings) delete headers['accept-encoding'];
  const upstream = request(
    { host: '127.0.0.1', port: options.upstreamPort, method: req.method, path: req.url, headers },
    (answer) => {
      if (!isSettings || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      answer.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_SETTINGS_BYTES) answer.destroy(new Error('Temporal Web settings too large'));
        else chunks.push(chunk);
      });
      answer.on('end', () => {
        let body: Buffer;
        try {
          body = withCodecCredentials(Buffer.concat(chunks));
        } catch {
          res.writeHead(502).end();
          return;
        }
        const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = answer.headers;
        res.writeHead(200, { ...rest, 'content-length': String(body.length) });
        res.end(body);
      });
      answer.on('error', () => res.destroy());
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  req.pipe(upstream);
}

export async function startTemporalWeb(options: TemporalWebOptions): Promise<TemporalWebHandle> {
  const server: Server = createServer((req, res) => forward(options, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://localhost:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
