import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/index.js';
import { createFieldCipher } from '../../../security/field-crypto.js';
import { loadKeyring, type KeyringConfig } from '../../../security/keyring.js';

const b64 = (n = 32) => randomBytes(n).toString('base64');
const base: KeyringConfig = {
  APP_MODE: 'production',
  DATA_DIR: 'data',
  DATA_KEYS: undefined,
  DATA_KEY_FILE: undefined,
};

describe('keyring', () => {
  it('reads DATA_KEYS with the first key current and DATA_HMAC_KEY', () => {
    const keyring = loadKeyring({ ...base, DATA_KEYS: `k2:${b64()}, k1:${b64()}` }, { DATA_HMAC_KEY: b64() });
    expect(keyring.currentKeyId).toBe('k2');
    expect(keyring.keyIds).toEqual(['k2', 'k1']);
    expect(keyring.key('k1')).toHaveLength(32);
  });

  it('names the setting when key material is malformed', () => {
    const hmac = { DATA_HMAC_KEY: b64() };
    expect(() => loadKeyring({ ...base, DATA_KEYS: 'k1' }, hmac)).toThrow(/DATA_KEYS is malformed/);
    expect(() => loadKeyring({ ...base, DATA_KEYS: `k1:${b64(16)}` }, hmac)).toThrow(
      /DATA_KEYS .*16 bytes; it must be 32/,
    );
    expect(() => loadKeyring({ ...base, DATA_KEYS: 'k1:!!notbase64!!' }, hmac)).toThrow(/DATA_KEYS .*not base64/);
    expect(() => loadKeyring({ ...base, DATA_KEYS: `k:1:${b64()}` }, hmac)).toThrow(ConfigError);
    expect(() => loadKeyring({ ...base, DATA_KEYS: `k1:${b64()}` }, {})).toThrow(/DATA_HMAC_KEY must be set/);
    expect(() => loadKeyring({ ...base, DATA_KEYS: `k1:${b64()}` }, { DATA_HMAC_KEY: b64(8) })).toThrow(
      /DATA_HMAC_KEY/,
    );
    expect(() => loadKeyring(base, {})).toThrow(/DATA_KEYS or DATA_KEY_FILE must be set outside local mode/);
  });

  it('reads a key file and reports its problems on one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyring-'));
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ current: 'k2', keys: { k1: b64(), k2: b64() }, hmac: b64() }));
    const keyring = loadKeyring({ ...base, DATA_KEY_FILE: file }, {});
    expect(keyring.currentKeyId).toBe('k2');

    writeFileSync(file, JSON.stringify({ current: 'k3', keys: { k1: b64() }, hmac: b64() }));
    expect(() => loadKeyring({ ...base, DATA_KEY_FILE: file }, {})).toThrow(/DATA_KEY_FILE names current key "k3"/);
    writeFileSync(file, '{not json');
    expect(() => loadKeyring({ ...base, DATA_KEY_FILE: file }, {})).toThrow(/DATA_KEY_FILE .*not valid JSON/);
    expect(() => loadKeyring({ ...base, DATA_KEY_FILE: join(dir, 'missing.json') }, {})).toThrow(
      /DATA_KEY_FILE .*cannot be read/,
    );
  });

  it('in local mode generates ${DATA_DIR}/keys.json once (0600) and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyring-local-'));
    const config: KeyringConfig = { ...base, APP_MODE: 'local', DATA_DIR: join(dir, 'data') };
    const first = loadKeyring(config, {});
    const file = join(dir, 'data', 'keys.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadKeyring(config, {});
    expect(second.key('k1')!.equals(first.key('k1')!)).toBe(true);
    expect(second.hmacKey.equals(first.hmacKey)).toBe(true);
    const text = createFieldCipher(first).encrypt('x', 'ctx');
    expect(createFieldCipher(second).decrypt(text, 'ctx')).toBe('x');
    expect(JSON.parse(readFileSync(file, 'utf8')).current).toBe('k1');
  });

  it('derives distinct purpose secrets', () => {
    const keyring = loadKeyring({ ...base, DATA_KEYS: `k1:${b64()}` }, { DATA_HMAC_KEY: b64() });
    expect(keyring.derive('a')).toHaveLength(32);
    expect(keyring.derive('a').equals(keyring.derive('a'))).toBe(true);
    expect(keyring.derive('a').equals(keyring.derive('b'))).toBe(false);
  });
});
