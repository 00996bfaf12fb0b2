import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { fileURLToPath } from 'node:url';
import { temporalPayloadContext } from './encryption-contexts.js';
import { aesGcmOpen, aesGcmSeal, DecryptionError } from './field-crypto.js';
import type { Keyring } from './keyring.js';

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

/**
 * Encrypts whole payloads (metadata and data) with AES-256-GCM under the keyring's current key.
 * Decoding picks the key by the payload's key id and passes through payloads that were never encrypted.
 */
export function createPayloadCodec(keyring: Keyring): PayloadCodec {
  return {
    async encode(payloads) {
      const { id, key } = keyring.currentKey();
      return payloads.map((payload) => ({
        metadata: { encoding: utf8.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8.encode(id) },
        data: aesGcmSeal(key, ProtoPayload.encode(payload).finish(), temporalPayloadContext(id)),
      }));
    },
    async decode(payloads) {
      return payloads.map((payload) => {
        if (!isEncryptedPayload(payload)) return payload;
        const keyId = metadataText(payload, KEY_ID_METADATA);
        if (!keyId) throw new DecryptionError('encrypted payload without a key id');
        const key = keyring.key(keyId);
        if (!key) throw new DecryptionError(`unknown key id "${keyId}"`);
        const decoded = ProtoPayload.decode(
          aesGcmOpen(key, payload.data ?? new Uint8Array(), temporalPayloadContext(keyId)),
        );
        return { metadata: decoded.metadata, data: decoded.data };
      });
    },
  };
}

/** Encrypts error messages and stack traces of failures too; see failure-converter.cjs. */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** For the client, the worker and tests: `dataConverter: temporalDataConverter(keyring)`. */
export function temporalDataConverter(keyring: Keyring): DataConverter {
  return { payloadCodecs: [createPayloadCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
