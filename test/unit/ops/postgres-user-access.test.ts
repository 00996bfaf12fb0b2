// As root, embedded PostgreSQL runs as the `postgres` user: a data folder or checkout under a
// folder closed to other users (a clone under /root, mode 0700) used to crash `npm start` with an
// unhandled EACCES from spawning initdb. The check names the closed folder and the fix in one line.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../config/index.js';
import { startEmbeddedPostgres } from '../../../ops/embedded-postgres.js';
import { closedFolderProblem, firstClosedFolder } from '../../../ops/postgres-user-access.js';

const POSTGRES = { uid: 999, gid: 999 };
const folders = (entries: Record<string, { mode: number; uid?: number; gid?: number }>) => (path: string) => {
  const found = entries[path];
  return found && { mode: 0o40000 | found.mode, uid: found.uid ?? 0, gid: found.gid ?? 0 };
};

describe('the folders on the way for the postgres user', () => {
  it('names the outermost closed folder, whichever path it is on', () => {
    const stat = folders({
      '/': { mode: 0o755 },
      '/root': { mode: 0o700 },
      '/root/clone': { mode: 0o700 },
      '/root/clone/data': { mode: 0o711 },
      '/tmp': { mode: 0o1777 },
    });
    expect(firstClosedFolder(['/tmp', '/root/clone/data'], POSTGRES, stat)).toEqual({ folder: '/root', mode: 0o700 });
    expect(firstClosedFolder(['/tmp'], POSTGRES, stat)).toBeUndefined();
  });

  it("lets the postgres user through its own folders and its group's, by the matching permission bits", () => {
    const stat = folders({
      '/': { mode: 0o755 },
      '/srv': { mode: 0o700, uid: 999 },
      '/srv/pg': { mode: 0o750, gid: 999 },
      '/srv/pg/data': { mode: 0o700 },
    });
    expect(firstClosedFolder(['/srv/pg'], POSTGRES, stat)).toBeUndefined();
    expect(firstClosedFolder(['/srv/pg/data'], POSTGRES, stat)).toEqual({ folder: '/srv/pg/data', mode: 0o700 });
    // Before the user exists only the bits for others count.
    expect(firstClosedFolder(['/srv/pg'], undefined, stat)).toEqual({ folder: '/srv', mode: 0o700 });
  });

  it('skips folders that do not exist yet', () => {
    const stat = folders({ '/': { mode: 0o755 }, '/home': { mode: 0o755 } });
    expect(firstClosedFolder(['/home/dev/clone/data/postgres'], POSTGRES, stat)).toBeUndefined();
  });

  it('says what to do in one line', () => {
    const line = closedFolderProblem({ folder: '/root', mode: 0o700 });
    expect(line).not.toContain('\n');
    expect(line).toContain('cannot enter /root (mode 700)');
    expect(line).toContain('chmod o+x /root');
    expect(line).toContain('DATABASE_URL');
  });
});

describe.runIf(process.getuid?.() === 0)('embedded PostgreSQL started by root', () => {
  const base = mkdtempSync(join(tmpdir(), 'pg-closed-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('stops with one clear line, before initdb, when the data folder sits under a folder closed to others', async () => {
    const closed = join(base, 'home');
    mkdirSync(join(closed, 'clone', 'data'), { recursive: true });
    chmodSync(base, 0o755);
    chmodSync(closed, 0o700);
    const start = startEmbeddedPostgres({
      dataDir: join(closed, 'clone', 'data', 'postgres'),
      port: 1,
      persistent: false,
    });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(`cannot enter ${closed} (mode 700): run \`chmod o+x ${closed}\``);
  });
});
