// Decodes every payload of a workflow history that the payload codec sealed (inputs, results,
// signal and update arguments, memos, headers, the encoded attributes of failures), in place, with
// a codec: the local keys (security/payload-codec.ts) or the API's codec endpoint (remoteCodec).
import type { Payload, PayloadCodec } from '@temporalio/common';
import { isEncryptedPayload } from '../security/payload-codec.js';
import type { History } from './history-export.js';

const BATCH = 500;

function sealedPayloads(value: unknown, out: Payload[]): Payload[] {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return out;
  if (Array.isArray(value)) {
    for (const item of value) sealedPayloads(item, out);
    return out;
  }
  const candidate = value as Payload;
  if (candidate.metadata && typeof candidate.metadata === 'object' && isEncryptedPayload(candidate)) {
    out.push(candidate);
    return out;
  }
  for (const item of Object.values(value)) sealedPayloads(item, out);
  return out;
}

/** Replaces each sealed payload's metadata and data by what the codec decodes them to; returns how many. */
export async function decodeHistory(history: History, codec: PayloadCodec): Promise<number> {
  const sealed = sealedPayloads(history.events ?? [], []);
  for (let start = 0; start < sealed.length; start += BATCH) {
    const batch = sealed.slice(start, start + BATCH);
    const decoded = await codec.decode(batch);
    if (decoded.length !== batch.length)
      throw new Error(`the codec answered ${decoded.length} payloads for ${batch.length}`);
    batch.forEach((payload, i) => {
      payload.metadata = decoded[i]!.metadata;
      payload.data = decoded[i]!.data;
    });
  }
  const left = sealedPayloads(history.events ?? [], []).length;
  if (left > 0) throw new Error(`${left} payloads are still encrypted after decoding`);
  return sealed.length;
}

interface WirePayload {
  metadata?: Record<string, string>;
  data?: string;
}

const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value ?? new Uint8Array()).toString('base64'),
    ]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([key, value]) => [key, new Uint8Array(Buffer.from(value, 'base64'))]),
  ),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});

export interface RemoteCodecOptions {
  /** The codec server's base URL, e.g. `http://localhost:3000/codec` (as `temporal --codec-endpoint`). */
  endpoint: string;
  /** The Authorization header's value, e.g. `Bearer <ops token>` (as `temporal --codec-auth`). */
  auth?: string;
  namespace: string;
}

/** Temporal's remote codec protocol: POST `{ payloads }` to `<endpoint>/decode` or `/encode`. */
export function remoteCodec(options: RemoteCodecOptions): PayloadCodec {
  const base = options.endpoint.replace(/\/+$/, '');
  const call = async (path: 'decode' | 'encode', payloads: Payload[]): Promise<Payload[]> => {
    const response = await fetch(`${base}/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': options.namespace,
        ...(options.auth ? { authorization: options.auth } : {}),
      },
      body: JSON.stringify({ payloads: payloads.map(toWire) }),
      signal: AbortSignal.timeout(60_000),
    });
    if (!response.ok)
      throw new Error(
        `the codec endpoint ${base}/${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      );
    const body = (await response.json()) as { payloads?: WirePayload[] };
    return (body.payloads ?? []).map(fromWire);
  };
  return { decode: (payloads) => call('decode', payloads), encode: (payloads) => call('encode', payloads) };
}
