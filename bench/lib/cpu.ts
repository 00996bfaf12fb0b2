// CPU time used by the bench's descendants (the stack's services, the bare processes), by
// service, from /proc: where the time of a run went. utime+stime+cutime+cstime of every live
// descendant counts each process once, reaped children (PostgreSQL backends) in their parent.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface Proc {
  pid: number;
  ppid: number;
  ticks: number;
  cmd: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((t, i) => t + Number(fields[i]), 0);
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: Number(fields[1]), ticks, cmd };
  } catch {
    return null;
  }
}

function serviceOf(cmd: string): string {
  if (cmd.includes('api/main.ts')) return 'api';
  if (cmd.includes('worker/main.ts')) return 'worker';
  if (cmd.includes('simulators/main.ts')) return 'simulators';
  if (cmd.includes('bench/baseline/worker.ts')) return 'bare worker';
  if (cmd.includes('bench/baseline/bare-api.ts')) return 'bare api';
  if (cmd.includes('temporal')) return 'temporal';
  if (cmd.includes('postgres')) return 'postgres';
  return 'other';
}

/** CPU seconds by service for every process below this one. */
export function cpuByService(root = process.pid): Record<string, number> {
  const procs = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== null);
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const totals: Record<string, number> = {};
  const walk = (pid: number, service: string | null) => {
    for (const child of children.get(pid) ?? []) {
      const s = service ?? serviceOf(child.cmd);
      totals[s] = (totals[s] ?? 0) + child.ticks / TICKS_PER_SECOND;
      walk(child.pid, s);
    }
  };
  walk(root, null);
  return totals;
}

/** The bench's own CPU (the load generator), seconds. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export function cpuDelta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]))
    out[key] = Number(((after[key] ?? 0) - (before[key] ?? 0)).toFixed(2));
  return out;
}

/** Pids of descendants whose command line matches. */
export function descendantPids(pattern: RegExp, root = process.pid): number[] {
  const procs = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => readProc(Number(d)))
    .filter((p): p is Proc => p !== null);
  const below = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => p.pid !== root && below.has(p.pid) && pattern.test(p.cmd)).map((p) => p.pid);
}
