// Requests sent again and again while a dependency is down: what did the API answer?
import type { DrillStack } from './harness.js';

export interface Probe {
  name: string;
  send: () => Promise<Response>;
}

/** Each probe once every `everyMs` until `until` resolves; the status codes seen, by probe. */
export async function probeWhile(
  probes: Probe[],
  until: Promise<unknown>,
  everyMs = 250,
): Promise<Record<string, number[]>> {
  // Each answer is awaited (up to the probe's own timeout) before the next round.
  const seen: Record<string, number[]> = Object.fromEntries(probes.map((p) => [p.name, []]));
  let done = false;
  void until.finally(() => {
    done = true;
  });
  while (!done) {
    await Promise.all(
      probes.map(async (p) => {
        try {
          const response = await p.send();
          await response.arrayBuffer();
          seen[p.name]!.push(response.status);
        } catch {
          seen[p.name]!.push(0); // no answer at all
        }
      }),
    );
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return seen;
}

/** Any API process's own record of answering 500 to anyone. */
export function internalErrors(d: DrillStack): string[] {
  return d.logs.filter((line) => /^\[api(-\d+)?\]/.test(line) && /"msg":"unhandled error"/.test(line));
}

/** Probes of routes that need PostgreSQL, Temporal or both; `timeoutMs` bounds each answer. */
export function apiProbes(d: DrillStack, token: string, loanId: string, timeoutMs = 10_000): Probe[] {
  const timeout = () => AbortSignal.timeout(timeoutMs);
  return [
    {
      name: 'GET /v1/loans/{id}',
      send: () =>
        fetch(`${d.stack.apiUrl}/v1/loans/${loanId}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: timeout(),
        }),
    },
    {
      name: 'GET /v1/loans',
      send: () =>
        fetch(`${d.stack.apiUrl}/v1/loans`, { headers: { authorization: `Bearer ${token}` }, signal: timeout() }),
    },
    {
      name: 'POST /v1/auth/login',
      send: () =>
        fetch(`${d.stack.apiUrl}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'finance', password: 'Demo@2026' }),
          signal: timeout(),
        }),
    },
    { name: 'GET /readyz', send: () => fetch(`${d.stack.apiUrl}/readyz`, { signal: timeout() }) },
  ];
}
