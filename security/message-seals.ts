// Seals on the loan workflow's messages. The API seals every signal and update it sends (an HMAC
// over the workflow id, the message name, the issue time and the canonical argument, actor included)
// under a key derived from one of the keyring's data keys; the worker's payload codec checks the
// seal and hands the workflow a verdict in its place (security/payload-codec.ts). A message nobody
// sealed, or whose argument was changed after sealing, reaches the workflow with a refusing verdict.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './audit.js';
import type { Keyring } from './keyring.js';

/** The field of a message's argument that carries the seal on the wire. */
export const SEAL_FIELD = 'seal';
/** The field the codec writes in place of the seal; contracts/message-checks.ts reads it. */
export const CHECK_FIELD = 'messageCheck';

export interface MessageSeal {
  v: 1;
  keyId: string;
  workflowId: string;
  message: string;
  /** ISO time the API sealed the message. */
  issuedAt: string;
  /**
   * The update's id, for an update: Temporal takes an update id once per run, so a sealed update
   * sent again under its own id is not run again, and under another id is refused by the workflow.
   * Seals made before it existed have none (they are covered without it).
   */
  updateId?: string;
  /** HMAC-SHA256, base64url. */
  mac: string;
}

export type SealRefusal = 'UNSEALED_PAYLOAD' | 'MALFORMED_SEAL' | 'UNKNOWN_KEY' | 'BAD_SEAL' | 'WRONG_WORKFLOW';

export type MessageCheck =
  | { sealed: true; workflowId: string; message: string; issuedAt: string; keyId: string; updateId?: string }
  | { sealed: false; reason: SealRefusal };

const SEAL_KEY_PURPOSE = 'microloan/message-seal/v1';

function sealKey(keyring: Keyring, keyId: string): Buffer | undefined {
  const dataKey = keyring.key(keyId);
  return dataKey && Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), SEAL_KEY_PURPOSE, 32));
}

/** What the MAC covers: the argument as it travels (JSON), without its seal, in canonical form. */
function sealedText(seal: Omit<MessageSeal, 'mac'>, arg: Record<string, unknown>): string {
  const {
    [SEAL_FIELD]: _seal,
    [CHECK_FIELD]: _check,
    ...rest
  } = JSON.parse(JSON.stringify(arg)) as Record<string, unknown>;
  return canonicalJson({
    v: seal.v,
    keyId: seal.keyId,
    workflowId: seal.workflowId,
    message: seal.message,
    issuedAt: seal.issuedAt,
    ...(seal.updateId === undefined ? {} : { updateId: seal.updateId }),
    arg: rest,
  });
}

function mac(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text).digest('base64url');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The argument with a seal for this workflow and message added, under the keyring's current key. */
export function sealMessage(
  keyring: Keyring,
  target: { workflowId: string; message: string; updateId?: string },
  arg: Record<string, unknown>,
  now: Date = new Date(),
): Record<string, unknown> {
  const keyId = keyring.currentKeyId;
  const unsigned = {
    v: 1 as const,
    keyId,
    workflowId: target.workflowId,
    message: target.message,
    issuedAt: now.toISOString(),
    ...(target.updateId === undefined ? {} : { updateId: target.updateId }),
  };
  const seal: MessageSeal = { ...unsigned, mac: mac(sealKey(keyring, keyId)!, sealedText(unsigned, arg)) };
  const { [CHECK_FIELD]: _check, ...rest } = arg;
  return { ...rest, [SEAL_FIELD]: seal };
}

function readSeal(value: unknown): MessageSeal | undefined {
  if (!isPlainObject(value)) return undefined;
  const { v, keyId, workflowId, message, issuedAt, updateId, mac: m } = value;
  if (v !== 1) return undefined;
  for (const text of [keyId, workflowId, message, issuedAt, m]) if (typeof text !== 'string' || !text) return undefined;
  if (updateId !== undefined && (typeof updateId !== 'string' || !updateId)) return undefined;
  return value as unknown as MessageSeal;
}

/**
 * The verdict on an argument that carries a seal. `workflowId`, when the caller knows whose
 * payload this is, must be the one sealed.
 */
export function checkSeal(keyring: Keyring, arg: Record<string, unknown>, workflowId?: string): MessageCheck {
  const seal = readSeal(arg[SEAL_FIELD]);
  if (!seal) return { sealed: false, reason: 'MALFORMED_SEAL' };
  const key = sealKey(keyring, seal.keyId);
  if (!key) return { sealed: false, reason: 'UNKNOWN_KEY' };
  const expected = Buffer.from(mac(key, sealedText(seal, arg)));
  const given = Buffer.from(seal.mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { sealed: false, reason: 'BAD_SEAL' };
  if (workflowId !== undefined && workflowId !== seal.workflowId) return { sealed: false, reason: 'WRONG_WORKFLOW' };
  return {
    sealed: true,
    workflowId: seal.workflowId,
    message: seal.message,
    issuedAt: seal.issuedAt,
    keyId: seal.keyId,
    ...(seal.updateId === undefined ? {} : { updateId: seal.updateId }),
  };
}
