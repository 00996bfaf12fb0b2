import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = 'v1';

/** Ciphertext that cannot be opened: unknown key, wrong context, or altered bytes. Carries no detail of the data. */
export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`Cannot decrypt: ${reason}`);
    this.name = 'DecryptionError';
  }
}

/** AES-256-GCM; returns iv | tag | ciphertext. */
export function aesGcmSeal(key: Buffer, plaintext: Uint8Array, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** Opens what `aesGcmSeal` produced; throws DecryptionError when the tag does not verify. */
export function aesGcmOpen(key: Buffer, sealed: Uint8Array, aad: string): Buffer {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('authentication failed (wrong key or context, or altered data)');
  }
}

export interface SealedBytes {
  keyId: string;
  /** iv | tag | ciphertext */
  bytes: Buffer;
}

export interface FieldCipher {
  /** "v1:<keyId>:<base64(iv|tag|ciphertext)>" under the current key, bound to `context` (e.g. "users.name"). */
  encrypt(plaintext: string, context: string): string;
  decrypt(ciphertext: string, context: string): string;
  /** The key id a ciphertext was made with. */
  keyIdOf(ciphertext: string): string;
  /** The same value under the current key; returns the input unchanged when it already is. */
  reencrypt(ciphertext: string, context: string): string;
  /** Binary data (documents); store `keyId` next to `bytes`. */
  seal(data: Uint8Array, context: string): SealedBytes;
  open(sealed: SealedBytes, context: string): Buffer;
}

function parse(ciphertext: string): { keyId: string; body: Buffer } {
  const first = ciphertext.indexOf(':');
  const second = ciphertext.indexOf(':', first + 1);
  if (first < 0 || second < 0 || ciphertext.slice(0, first) !== FORMAT)
    throw new DecryptionError('not a v1 field ciphertext');
  return { keyId: ciphertext.slice(first + 1, second), body: Buffer.from(ciphertext.slice(second + 1), 'base64') };
}

const fieldAad = (context: string) => `microloan/field/${FORMAT}:${context}`;
const blobAad = (context: string) => `microloan/blob/${FORMAT}:${context}`;

export function createFieldCipher(keyring: Keyring): FieldCipher {
  const keyFor = (id: string): Buffer => {
    const key = keyring.key(id);
    if (!key) throw new DecryptionError(`unknown key id "${id}"`);
    return key;
  };

  const cipher: FieldCipher = {
    encrypt(plaintext, context) {
      const { id, key } = keyring.currentKey();
      return `${FORMAT}:${id}:${aesGcmSeal(key, Buffer.from(plaintext, 'utf8'), fieldAad(context)).toString('base64')}`;
    },
    decrypt(ciphertext, context) {
      const { keyId, body } = parse(ciphertext);
      return aesGcmOpen(keyFor(keyId), body, fieldAad(context)).toString('utf8');
    },
    keyIdOf: (ciphertext) => parse(ciphertext).keyId,
    reencrypt(ciphertext, context) {
      if (parse(ciphertext).keyId === keyring.currentKeyId) return ciphertext;
      return cipher.encrypt(cipher.decrypt(ciphertext, context), context);
    },
    seal(data, context) {
      const { id, key } = keyring.currentKey();
      return { keyId: id, bytes: aesGcmSeal(key, data, blobAad(context)) };
    },
    open(sealed, context) {
      return aesGcmOpen(keyFor(sealed.keyId), sealed.bytes, blobAad(context));
    },
  };
  return cipher;
}
