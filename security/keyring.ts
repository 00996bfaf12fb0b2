import { hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, type Config } from '../config/index.js';

/** AES-256 data keys by id, the id of the one used for new encryptions, and the blind-index HMAC key. */
export interface Keyring {
  readonly currentKeyId: string;
  readonly keyIds: readonly string[];
  /** The key for `id`, or undefined when this keyring does not hold it. */
  key(id: string): Buffer | undefined;
  currentKey(): { id: string; key: Buffer };
  readonly hmacKey: Buffer;
  /** A 32-byte secret for one named purpose, derived from the HMAC key (HKDF-SHA256). */
  derive(purpose: string): Buffer;
}

export interface KeyringSpec {
  current: string;
  /** Raw 32-byte keys or their base64 text. */
  keys: Record<string, Buffer | string>;
  hmac: Buffer | string;
}

export type KeyringConfig = Pick<Config, 'APP_MODE' | 'DATA_KEYS' | 'DATA_KEY_FILE' | 'DATA_DIR'>;

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function decodeKey(
  setting: string,
  what: string,
  value: Buffer | string,
  minBytes: number,
  exactBytes?: number,
): Buffer {
  let bytes: Buffer;
  if (Buffer.isBuffer(value)) bytes = value;
  else {
    const text = value.trim();
    if (!BASE64.test(text)) throw new ConfigError(setting, `has ${what} that is not base64`);
    bytes = Buffer.from(text, 'base64');
  }
  if (exactBytes !== undefined && bytes.length !== exactBytes) {
    throw new ConfigError(
      setting,
      `has ${what} of ${bytes.length} bytes; it must be ${exactBytes} bytes (base64 of 32 random bytes)`,
    );
  }
  if (bytes.length < minBytes)
    throw new ConfigError(setting, `has ${what} of ${bytes.length} bytes; it must be at least ${minBytes} bytes`);
  return bytes;
}

/** Builds a keyring from explicit key material; `setting` names the source in error messages. */
export function createKeyring(spec: KeyringSpec, setting = 'DATA_KEYS'): Keyring {
  const keys = new Map<string, Buffer>();
  for (const [id, value] of Object.entries(spec.keys)) {
    if (!KEY_ID.test(id))
      throw new ConfigError(setting, `has an invalid key id "${id.slice(0, 40)}" (use letters, digits, _ or -)`);
    keys.set(id, decodeKey(setting, `key ${id}`, value, 32, 32));
  }
  if (keys.size === 0) throw new ConfigError(setting, 'holds no keys');
  const current = keys.get(spec.current);
  if (!current) throw new ConfigError(setting, `names current key "${spec.current}" which it does not hold`);
  const hmacKey = decodeKey(setting === 'DATA_KEYS' ? 'DATA_HMAC_KEY' : setting, 'an HMAC key', spec.hmac, 32);
  const currentKeyId = spec.current;
  return {
    currentKeyId,
    keyIds: [...keys.keys()],
    key: (id) => keys.get(id),
    currentKey: () => ({ id: currentKeyId, key: current }),
    hmacKey,
    derive: (purpose) => Buffer.from(hkdfSync('sha256', hmacKey, Buffer.alloc(0), `microloan/${purpose}`, 32)),
  };
}

/** "k1:base64,k2:base64" — the first entry is current. */
export function parseDataKeys(text: string, hmac: string | undefined): Keyring {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new ConfigError('DATA_KEYS', 'is empty; expected "keyId:base64,keyId:base64"');
  const keys: Record<string, string> = {};
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new ConfigError('DATA_KEYS', 'is malformed; expected "keyId:base64,keyId:base64"');
    const id = entry.slice(0, colon);
    if (id in keys) throw new ConfigError('DATA_KEYS', `lists key id "${id}" twice`);
    keys[id] = entry.slice(colon + 1);
  }
  if (!hmac) throw new ConfigError('DATA_HMAC_KEY', 'must be set (base64, ≥ 32 bytes) when DATA_KEYS is used');
  return createKeyring({ current: entries[0]!.slice(0, entries[0]!.indexOf(':')), keys, hmac });
}

/** Reads a key file: { current: "k2", keys: { k1: base64, k2: base64 }, hmac: base64 }. */
export function readKeyFile(path: string, setting = 'DATA_KEY_FILE', hmacOverride?: string): Keyring {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(setting, `points to ${path}, which cannot be read`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(setting, `points to ${path}, which is not valid JSON`);
  }
  const file = parsed as Partial<{ current: unknown; keys: unknown; hmac: unknown }>;
  if (
    typeof file !== 'object' ||
    file === null ||
    typeof file.current !== 'string' ||
    typeof file.keys !== 'object' ||
    file.keys === null
  ) {
    throw new ConfigError(
      setting,
      `points to ${path}, which must hold { "current": id, "keys": { id: base64 }, "hmac": base64 }`,
    );
  }
  const keys = file.keys as Record<string, unknown>;
  for (const [id, value] of Object.entries(keys)) {
    if (typeof value !== 'string') throw new ConfigError(setting, `has key ${id} that is not a base64 string`);
  }
  const hmac = hmacOverride ?? file.hmac;
  if (typeof hmac !== 'string')
    throw new ConfigError(setting, `points to ${path}, which has no "hmac" key (or set DATA_HMAC_KEY)`);
  return createKeyring({ current: file.current, keys: keys as Record<string, string>, hmac }, setting);
}

/** Writes a fresh key file once (0600); a second process racing us reads the winner's file. */
function ensureLocalKeyFile(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const content = JSON.stringify(
    { current: 'k1', keys: { k1: randomBytes(32).toString('base64') }, hmac: randomBytes(32).toString('base64') },
    null,
    2,
  );
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${content}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  chmodSync(path, 0o600);
}

export function localKeyFilePath(config: Pick<Config, 'DATA_DIR'>): string {
  return resolve(join(config.DATA_DIR, 'keys.json'));
}

/**
 * The process keyring: DATA_KEYS (+ DATA_HMAC_KEY), else DATA_KEY_FILE, else — in local mode only —
 * `${DATA_DIR}/keys.json`, generated on first use.
 */
export function loadKeyring(config: KeyringConfig, env: NodeJS.ProcessEnv = process.env): Keyring {
  const hmac = env.DATA_HMAC_KEY?.trim() || undefined;
  if (config.DATA_KEYS) return parseDataKeys(config.DATA_KEYS, hmac);
  if (config.DATA_KEY_FILE) return readKeyFile(config.DATA_KEY_FILE, 'DATA_KEY_FILE', hmac);
  if (config.APP_MODE !== 'local')
    throw new ConfigError('DATA_KEYS', 'or DATA_KEY_FILE must be set outside local mode');
  const path = localKeyFilePath(config);
  ensureLocalKeyFile(path);
  return readKeyFile(path, `DATA_DIR (${path})`, hmac);
}

/** A keyring of fresh random keys, for tests and tools; like DATA_KEYS, the first id is current. */
export function generateKeyring(ids: readonly string[] = ['k1']): Keyring {
  const keys = Object.fromEntries(ids.map((id) => [id, randomBytes(32)]));
  return createKeyring({ current: ids[0]!, keys, hmac: randomBytes(32) });
}
