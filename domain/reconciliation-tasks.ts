// Which finance tasks a reconciliation run opens, keeps and closes: one task per finding key, open
// while the difference is found, closed by the first run that no longer finds it. Pure.
import { findingKey, type Finding } from './reconciliation-findings.js';

export interface FindingGroup {
  key: string;
  /** The loan the task is about (the first finding's), or null for the books as a whole. */
  loanId: string | null;
  findings: Finding[];
}

export interface TaskPlan {
  /** Keys found for the first time (or again after their task was closed). */
  open: FindingGroup[];
  /** Keys still found: their tasks stay open, with the run's findings. */
  keep: FindingGroup[];
  /** Open tasks whose difference this run no longer finds. */
  close: string[];
}

/** Findings grouped by key, in the order they were first found. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const key = findingKey(f);
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { key, loanId: f.loanId, findings: [f] });
  }
  return [...groups.values()];
}

export function planTasks(openKeys: readonly string[], findings: readonly Finding[]): TaskPlan {
  const open = new Set(openKeys);
  const groups = groupFindings(findings);
  const found = new Set(groups.map((g) => g.key));
  return {
    open: groups.filter((g) => !open.has(g.key)),
    keep: groups.filter((g) => open.has(g.key)),
    close: [...open].filter((k) => !found.has(k)),
  };
}

/** Picks the owner of a new task: the finance user with the fewest open tasks, then by name. */
export function leastLoaded<T extends { userId: string; username: string; openTasks: number }>(
  users: readonly T[],
): T | null {
  let best: T | null = null;
  for (const u of users) {
    if (best === null || u.openTasks < best.openTasks || (u.openTasks === best.openTasks && u.username < best.username))
      best = u;
  }
  return best;
}
