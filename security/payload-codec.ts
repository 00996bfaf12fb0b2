import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { fileURLToPath } from 'node:url';
import { temporalPayloadContext } from './encryption-contexts.js';
import { aesGcmOpen, aesGcmSeal, DecryptionError } from './field-crypto.js';
import type { Keyring } from './keyring.js';
import { CHECK_FIELD, checkSeal, isPlainObject, SEAL_FIELD, type MessageCheck } from './message-seals.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ProtoPayload = proto.temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? fromUtf8.decode(value) : undefined;
}

export function isEncryptedPayload(payload: Payload): boolean {
  return metadataText(payload, 'encoding') === ENCRYPTED_ENCODING;
}

export interface PayloadCodecOptions {
  /**
   * The worker's setting: a payload this codec did not encrypt (plain JSON sent with the temporal
   * CLI or a client without the codec) is never decoded; the workflow gets only a refusing message
   * check in its place. Off only under TEMPORAL_ACCEPT_UNSEALED_PAYLOADS (local debugging).
   */
  refuseUnencrypted?: boolean;
}

const SEAL_BYTES = utf8.encode(`"${SEAL_FIELD}"`);
const CHECK_BYTES = utf8.encode(`"${CHECK_FIELD}"`);
// A JSON escape (`"messageChec\u006b"`) spells a field name without its bytes: such text is parsed too.
const ESCAPE_BYTES = utf8.encode('\\');

function jsonPayload(value: unknown): Payload {
  return { metadata: { encoding: utf8.encode('json/plain') }, data: utf8.encode(JSON.stringify(value)) };
}

function mentions(data: Uint8Array, field: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).indexOf(field) !== -1;
}

/**
 * A message argument's seal becomes the verdict on it (security/message-seals.ts), and a verdict
 * that arrived from outside is dropped: only this codec writes one. Other payloads pass unchanged.
 */
function checkMessage(keyring: Keyring, payload: Payload, workflowId: string | undefined): Payload {
  const data = payload.data;
  if (metadataText(payload, 'encoding') !== 'json/plain' || !data) return payload;
  if (!mentions(data, SEAL_BYTES) && !mentions(data, CHECK_BYTES) && !mentions(data, ESCAPE_BYTES)) return payload;
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8.decode(data));
  } catch {
    return payload;
  }
  if (!isPlainObject(value) || !(SEAL_FIELD in value || CHECK_FIELD in value)) return payload;
  const { [SEAL_FIELD]: seal, [CHECK_FIELD]: _forged, ...rest } = value;
  const check: MessageCheck | undefined = seal === undefined ? undefined : checkSeal(keyring, value, workflowId);
  return { metadata: payload.metadata, data: jsonPayload(check ? { ...rest, [CHECK_FIELD]: check } : rest).data };
}

/** What the worker hands the workflow in place of a payload it refuses to decode. */
export const UNSEALED_PAYLOAD_CHECK: MessageCheck = { sealed: false, reason: 'UNSEALED_PAYLOAD' };

/**
 * Encrypts whole payloads (metadata and data) with AES-256-GCM under the keyring's current key.
 * Decoding picks the key by the payload's key id, turns a message's seal into the verdict on it, and
 * (unless `refuseUnencrypted`) passes through payloads that were never encrypted.
 */
export function createPayloadCodec(keyring: Keyring, options: PayloadCodecOptions = {}): PayloadCodec {
  return {
    async encode(payloads) {
      const { id, key } = keyring.currentKey();
      return payloads.map((payload) => ({
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(id) },
        data: aesGcmSeal(key, ProtoPayload.encode(payload).finish(), temporalPayloadContext(id)),
      }));
    },
    async decode(payloads, context) {
      const workflowId = context?.workflowId;
      return payloads.map((payload) => {
        if (!isEncryptedPayload(payload)) {
          if (options.refuseUnencrypted) return jsonPayload({ [CHECK_FIELD]: UNSEALED_PAYLOAD_CHECK });
          return checkMessage(keyring, payload, workflowId);
        }
        const keyId = metadataText(payload, KEY_ID_METADATA);
        if (!keyId) throw new DecryptionError('encrypted payload without a key id');
        const key = keyring.key(keyId);
        if (!key) throw new DecryptionError(`unknown key id "${keyId}"`);
        const decoded = ProtoPayload.decode(
          aesGcmOpen(key, payload.data ?? new Uint8Array(), temporalPayloadContext(keyId)),
        );
        return checkMessage(keyring, { metadata: decoded.metadata, data: decoded.data }, workflowId);
      });
    },
  };
}

/** Encrypts error messages and stack traces of failures too; see failure-converter.cjs. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * For the client, the worker and tests: `dataConverter: temporalDataConverter(keyring)`; the worker
 * adds `{ refuseUnencrypted: true }`.
 */
export function temporalDataConverter(keyring: Keyring, options: PayloadCodecOptions = {}): DataConverter {
  return { payloadCodecs: [createPayloadCodec(keyring, options)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
