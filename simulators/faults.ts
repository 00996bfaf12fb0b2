import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { ConfigError } from '../config/index.js';
import { errorResponse } from './responses.js';

// Fault injection for drills. Per simulator, each request draws from a seeded PRNG:
//   failure → 503 before the handler runs, so nothing changed;
//   timeout → the response is held far beyond any client timeout. For requests that change state
//             (POST), half the timeouts run the handler first and hold its response: the change is
//             committed but the client never hears of it — the case idempotency keys exist for.
// Latency is added to every request first. Drills are repeatable: the same seed and the same
// sequence of requests give the same faults.

export const SIMULATORS = ['bank', 'bureau', 'notify', 'gateway', 'identity'] as const;
export type SimulatorName = (typeof SIMULATORS)[number];

export interface FaultProfile {
  /** Share of requests answered 503 before any state change, 0–1. */
  failureRate: number;
  /** Share of requests that hang, 0–1; failureRate + timeoutRate ≤ 1. */
  timeoutRate: number;
  /** Added to every request. */
  latencyMs: number;
}
export type FaultSettings = Record<SimulatorName, FaultProfile>;
export type FaultPatch = Partial<Record<SimulatorName, Partial<FaultProfile>>> & { seed?: number };

export interface FaultStats {
  requests: number;
  failures: number;
  timeoutsBeforeCommit: number;
  timeoutsAfterCommit: number;
}

export type FaultDecision = 'PASS' | 'FAIL' | 'HANG_BEFORE' | 'HANG_AFTER';

export const NO_FAULTS: FaultProfile = { failureRate: 0, timeoutRate: 0, latencyMs: 0 };
export const DEFAULT_HANG_MS = 30_000;

const rate = z.number().min(0).max(1);
const profileFields = z.object({
  failureRate: rate,
  timeoutRate: rate,
  latencyMs: z.number().int().min(0).max(60_000),
});
const profileSchema = profileFields.refine(
  (p) => p.failureRate + p.timeoutRate <= 1,
  'failureRate + timeoutRate must not exceed 1',
);

export const faultPatchSchema = z
  .object({
    bank: profileFields.partial().optional(),
    bureau: profileFields.partial().optional(),
    notify: profileFields.partial().optional(),
    gateway: profileFields.partial().optional(),
    identity: profileFields.partial().optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .strict();

/** mulberry32: tiny, fast and good enough to pick faults; not for anything secret. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STREAM_OFFSET: Record<SimulatorName, number> = {
  bank: 0x9e3779b1,
  bureau: 0x85ebca77,
  notify: 0xc2b2ae3d,
  gateway: 0x27d4eb2f,
  identity: 0x165667b1,
};

function readRate(env: NodeJS.ProcessEnv, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new ConfigError(name, `must be a number from 0 to 1, got "${raw}"`);
  return value;
}

function readLatency(env: NodeJS.ProcessEnv, name: string): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 60_000)
    throw new ConfigError(name, `must be whole milliseconds from 0 to 60000, got "${raw}"`);
  return value;
}

/** SIM_BANK_FAILURE_RATE, SIM_BANK_TIMEOUT_RATE, SIM_BANK_LATENCY_MS and the same for BUREAU, NOTIFY, GATEWAY and IDENTITY. */
export function faultSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): FaultSettings {
  const settings = {} as FaultSettings;
  for (const simulator of SIMULATORS) {
    const prefix = `SIM_${simulator.toUpperCase()}`;
    const profile = {
      failureRate: readRate(env, `${prefix}_FAILURE_RATE`),
      timeoutRate: readRate(env, `${prefix}_TIMEOUT_RATE`),
      latencyMs: readLatency(env, `${prefix}_LATENCY_MS`),
    };
    if (profile.failureRate + profile.timeoutRate > 1) {
      throw new ConfigError(`${prefix}_TIMEOUT_RATE`, `plus ${prefix}_FAILURE_RATE must not exceed 1`);
    }
    settings[simulator] = profile;
  }
  return settings;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const emptyStats = (): FaultStats => ({ requests: 0, failures: 0, timeoutsBeforeCommit: 0, timeoutsAfterCommit: 0 });

export interface FaultInjectorOptions {
  settings: FaultSettings;
  seed: number;
  /** How long a "timeout" holds the response unless the client hangs up first. */
  hangMs?: number;
}

export class FaultInjector {
  private readonly bootSettings: FaultSettings;
  private readonly bootSeed: number;
  private readonly hangMs: number;
  private current: FaultSettings;
  private seed: number;
  private random!: Record<SimulatorName, () => number>;
  private counters!: Record<SimulatorName, FaultStats>;
  private shutdown = new AbortController();

  constructor(options: FaultInjectorOptions) {
    this.bootSettings = structuredClone(options.settings);
    this.bootSeed = options.seed;
    this.hangMs = options.hangMs ?? DEFAULT_HANG_MS;
    this.current = structuredClone(options.settings);
    this.seed = options.seed;
    this.restartStreams();
  }

  settings(): FaultSettings {
    return structuredClone(this.current);
  }

  currentSeed(): number {
    return this.seed;
  }

  stats(): Record<SimulatorName, FaultStats> {
    return structuredClone(this.counters);
  }

  /** Applies a validated patch; the PRNG streams restart (from `seed` if given) and the counters clear. */
  update(patch: FaultPatch): FaultSettings {
    const next = structuredClone(this.current);
    for (const simulator of SIMULATORS) {
      const merged = { ...next[simulator], ...patch[simulator] };
      const checked = profileSchema.safeParse(merged);
      if (!checked.success)
        throw new RangeError(`${simulator}: ${checked.error.issues[0]?.message ?? 'invalid fault profile'}`);
      next[simulator] = checked.data;
    }
    this.current = next;
    if (patch.seed !== undefined) this.seed = patch.seed;
    this.restartStreams();
    return this.settings();
  }

  /** Back to the settings and seed the process started with. */
  reset(): void {
    this.current = structuredClone(this.bootSettings);
    this.seed = this.bootSeed;
    this.restartStreams();
  }

  decide(simulator: SimulatorName, changesState: boolean): FaultDecision {
    const profile = this.current[simulator];
    const next = this.random[simulator];
    this.counters[simulator].requests += 1;
    const roll = next();
    if (roll < profile.failureRate) return 'FAIL';
    if (roll < profile.failureRate + profile.timeoutRate) {
      return changesState && next() < 0.5 ? 'HANG_AFTER' : 'HANG_BEFORE';
    }
    return 'PASS';
  }

  /** Lets every held request finish at once (on stop). */
  releaseHeldRequests(): void {
    this.shutdown.abort();
    this.shutdown = new AbortController();
  }

  /** Hono middleware for one simulator's routes; `exempt` paths (simulator-only helpers) get no faults. */
  middleware(simulator: SimulatorName, exempt: (path: string) => boolean = () => false): MiddlewareHandler {
    return async (c, next) => {
      if (exempt(c.req.path)) return next();
      const latency = this.current[simulator].latencyMs;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const decision = this.decide(simulator, c.req.method === 'POST');
      c.header('X-Sim-Fault', decision === 'PASS' ? undefined : decision);
      const stats = this.counters[simulator];
      if (decision === 'FAIL') {
        stats.failures += 1;
        return errorResponse(c, 503, 'SERVICE_UNAVAILABLE', 'Injected failure: the request was not processed');
      }
      if (decision === 'HANG_BEFORE') {
        stats.timeoutsBeforeCommit += 1;
        await this.hold(c.req.raw.signal);
        return errorResponse(c, 504, 'GATEWAY_TIMEOUT', 'Injected timeout: the request was not processed');
      }
      await next();
      if (decision === 'HANG_AFTER') {
        if (c.res.status < 300) stats.timeoutsAfterCommit += 1;
        else stats.timeoutsBeforeCommit += 1;
        await this.hold(c.req.raw.signal);
      }
    };
  }

  private hold(clientGone: AbortSignal): Promise<void> {
    return sleep(this.hangMs, AbortSignal.any([clientGone, this.shutdown.signal]));
  }

  private restartStreams(): void {
    this.random = Object.fromEntries(SIMULATORS.map((s) => [s, mulberry32(this.seed ^ STREAM_OFFSET[s])])) as Record<
      SimulatorName,
      () => number
    >;
    this.counters = Object.fromEntries(SIMULATORS.map((s) => [s, emptyStats()])) as Record<SimulatorName, FaultStats>;
  }
}
