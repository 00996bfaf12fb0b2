// Histories as JSON: the SDK's historyFromJSON reads the proto3 JSON the temporal CLI writes
// (it failed while two copies of protobufjs were installed), the corpus writes that same form,
// and decodeHistory opens every sealed payload of a history and nothing else.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import proto from '@temporalio/proto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../../ops/history-corpus.js';
import { decodeHistory } from '../../../ops/history-decode.js';
import { historyJson, type History } from '../../../ops/history-export.js';
import { DecryptionError } from '../../../security/field-crypto.js';
import { generateKeyring } from '../../../security/keyring.js';
import { createPayloadCodec, isEncryptedPayload } from '../../../security/payload-codec.js';

const require = createRequire(import.meta.url);
const HistoryMessage = proto.temporal.api.history.v1.History;
// Recorded before this code existed, by another writer; the same proto3 JSON as `temporal workflow show -o json`.
const RECORDED = join(CORPUS_DIR, 'loan-3-installments', 'run-1.json');

const payloadsOf = (history: History) => {
  const found: Array<{ metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }> = [];
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return;
    if (Array.isArray(value)) return value.forEach(walk);
    const o = value as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'encoding' in o.metadata) found.push(o);
    else Object.values(o).forEach(walk);
  };
  walk(history.events);
  return found;
};

describe('history JSON', () => {
  it('has one protobufjs behind @temporalio/common and @temporalio/proto', () => {
    const common = require.resolve('protobufjs', { paths: [require.resolve('@temporalio/common')] });
    const protos = require.resolve('protobufjs', { paths: [require.resolve('@temporalio/proto')] });
    const worker = require.resolve('protobufjs', { paths: [require.resolve('@temporalio/worker')] });
    expect(new Set([common, protos, worker]).size).toBe(1);
  });

  it("reads a recorded proto3 JSON history with the SDK's historyFromJSON", () => {
    const history = historyFromJSON(JSON.parse(readFileSync(RECORDED, 'utf8')));
    expect(history.events).toHaveLength(357);
    const [started] = history.events!;
    expect(started!.eventType).toBe(proto.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
    expect(started!.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('loanWorkflow');
    expect(Number(started!.eventTime?.seconds)).toBe(Date.parse('2026-11-28T11:23:04Z') / 1000);
    const input = JSON.parse(
      Buffer.from(started!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!).toString('utf8'),
    );
    expect(input).toMatchObject({ kind: 'ORIGINATION', input: { loanId: 'loan-20261128-dff78c3534' } });
  });

  it('writes the corpus in the form it reads, byte for byte', () => {
    const text = readFileSync(RECORDED, 'utf8');
    expect(historyJson(historyFromJSON(JSON.parse(text)))).toBe(text);
  });
});

describe('decodeHistory', () => {
  async function sealed(keyring = generateKeyring()) {
    const history = historyFromJSON(JSON.parse(readFileSync(RECORDED, 'utf8')));
    const codec = createPayloadCodec(keyring);
    for (const payload of payloadsOf(history)) Object.assign(payload, (await codec.encode([payload as never]))[0]);
    return history;
  }

  it('opens every sealed payload and gives back the history as it was', async () => {
    const plain = historyFromJSON(JSON.parse(readFileSync(RECORDED, 'utf8')));
    const keyring = generateKeyring();
    const history = await sealed(keyring);
    const count = payloadsOf(history).length;
    expect(count).toBeGreaterThan(100);
    expect(payloadsOf(history).every((p) => isEncryptedPayload(p as never))).toBe(true);
    expect(await decodeHistory(history, createPayloadCodec(keyring))).toBe(count);
    expect(Buffer.from(HistoryMessage.encode(HistoryMessage.fromObject(history)).finish())).toEqual(
      Buffer.from(HistoryMessage.encode(plain).finish()),
    );
  });

  it('fails with keys that did not seal it', async () => {
    const history = await sealed();
    await expect(decodeHistory(history, createPayloadCodec(generateKeyring()))).rejects.toThrow(DecryptionError);
  });
});
