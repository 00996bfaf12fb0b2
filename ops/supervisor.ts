// Supervision, as docker-compose's `restart: unless-stopped` does in production: a process that
// exits unasked (postgres.js crashing on a restarted server, the worker giving up on an
// unreachable Temporal, a SIGKILL) is started again after 1 s, then 2, 4… up to 30 s while it
// keeps dying; one that stayed up a minute starts again from 1 s. A process stopped or restarted
// on purpose is not a crash, and neither is any exit once the supervisor is stopping. The stack
// starts its children in process groups of their own (ops/stack.ts), so Ctrl-C reaches only the
// stack, which stops them; children sharing the terminal's group would get the SIGINT too, and
// could exit before the parent hears of it (under `npm start` the signal reaches it through npm
// and tsx), which looked like a crash.
import type { ManagedProcess } from '../lib/managed-process.js';

export interface RestartPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** A process up this long starts again from the first delay when it next dies. */
  stableMs: number;
}

export const RESTART_POLICY: RestartPolicy = { firstDelayMs: 1_000, maxDelayMs: 30_000, stableMs: 60_000 };

export interface UnexpectedExit<Name extends string = string> {
  service: Name;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  restartInMs: number;
}

export interface ServiceSpec<Name extends string = string> {
  name: Name;
  /** Starts a new process of the service. */
  spawn: () => Promise<ManagedProcess>;
}

/**
 * A service's handle, kept across restarts: `child` is its current process, and `exited`
 * resolves only when the service is stopped, not when it dies and is started again.
 */
export interface SupervisedService extends ManagedProcess {
  /** The current process. */
  readonly process: ManagedProcess;
  /** Stops the current process, if any, and starts a new one; a stopped service is wanted again. */
  restart(): Promise<void>;
}

export interface SupervisorOptions<Name extends string = string> {
  policy?: RestartPolicy;
  /** The one-line reports for people: a death and its restart, a restart that failed. */
  progress?: (line: string) => void;
  /** The same death report, for the service's own log. */
  output?: (service: Name, line: string) => void;
  /** Told of each process that exited unasked, as its restart is scheduled. */
  onUnexpectedExit?: (exit: UnexpectedExit<Name>) => void;
}

export function howItEnded(proc: ManagedProcess, code: number | null): string {
  return proc.child.signalCode ? `killed by ${proc.child.signalCode}` : `exit code ${code}`;
}

interface Service<Name extends string> {
  spec: ServiceSpec<Name>;
  /** The current process. */
  proc?: ManagedProcess;
  /** False once stopped: the supervisor leaves it down. */
  wanted: boolean;
  startedAt: number;
  delayMs: number;
  timer?: NodeJS.Timeout;
  /** Starts, stops and restarts of this service, one after another. */
  ops: Promise<unknown>;
  ended: Promise<number | null>;
  end: (code: number | null) => void;
}

export class Supervisor<Name extends string = string> {
  /**
   * Until up() is called, a process that exits unasked is not started again: this rejects
   * instead, naming it, so that a failing start-up fails rather than loops.
   */
  readonly startFailed: Promise<never>;
  private failStart: (err: Error) => void = () => {};
  private starting = true;
  private stopping = false;
  private readonly services: Array<Service<Name>> = [];
  /** Processes stopped on purpose: their exit is not a crash. */
  private readonly asked = new WeakSet<ManagedProcess>();
  private readonly policy: RestartPolicy;

  constructor(private readonly options: SupervisorOptions<Name> = {}) {
    this.policy = options.policy ?? RESTART_POLICY;
    this.startFailed = new Promise<never>((_, reject) => (this.failStart = reject));
    this.startFailed.catch(() => {});
  }

  /** Starts a service under supervision and hands back its handle. */
  async supervise(spec: ServiceSpec<Name>): Promise<SupervisedService> {
    const s: Service<Name> = {
      spec,
      wanted: true,
      startedAt: 0,
      delayMs: this.policy.firstDelayMs,
      ops: Promise.resolve(),
      ended: Promise.resolve(null),
      end: () => {},
    };
    s.ended = new Promise((r) => (s.end = r));
    this.services.push(s);
    const handle: SupervisedService = {
      name: spec.name,
      get process() {
        if (!s.proc) throw new Error(`${spec.name} has not been started`);
        return s.proc;
      },
      get child() {
        return this.process.child;
      },
      get exited() {
        return s.ended;
      },
      stop: (graceMs?: number) => this.stopService(s, graceMs),
      restart: () => this.restart(s),
    };
    await handle.restart();
    return handle;
  }

  /** From now on a process that exits unasked is started again. */
  up(): void {
    this.starting = false;
  }

  /** Stops every service, the last supervised first; no exit from here on is a crash. */
  async stop(): Promise<void> {
    this.stopping = true;
    const last = [...this.services].reverse();
    for (const s of last) {
      s.wanted = false;
      clearTimeout(s.timer);
    }
    for (const s of last) await this.stopService(s);
  }

  private serially(s: Service<Name>, op: () => Promise<void>): Promise<void> {
    const next = s.ops.then(op);
    s.ops = next.catch(() => {});
    return next;
  }

  // Runs inside serially().
  private async spawn(s: Service<Name>): Promise<void> {
    const proc = await s.spec.spawn();
    s.proc = proc;
    s.startedAt = Date.now();
    void proc.exited.then((code) => {
      if (s.proc === proc && s.wanted && !this.stopping && !this.asked.has(proc)) this.onUnexpectedExit(s, proc, code);
    });
  }

  private onUnexpectedExit(s: Service<Name>, proc: ManagedProcess, code: number | null): void {
    const name = s.spec.name;
    const how = howItEnded(proc, code);
    if (this.starting) {
      this.failStart(new Error(`${name} exited during start-up (${how}); see its log lines above`));
      return;
    }
    if (Date.now() - s.startedAt >= this.policy.stableMs) s.delayMs = this.policy.firstDelayMs;
    const delay = this.startLater(s, proc);
    const line = `${name} exited unexpectedly (${how}); starting it again in ${delay / 1000} s`;
    this.options.progress?.(line);
    this.options.output?.(name, line);
    this.options.onUnexpectedExit?.({
      service: name,
      pid: proc.child.pid,
      code,
      signal: proc.child.signalCode,
      restartInMs: delay,
    });
  }

  /** Starts the service again after its current delay, unless it was stopped or restarted meanwhile. */
  private startLater(s: Service<Name>, dead: ManagedProcess): number {
    const delay = s.delayMs;
    s.delayMs = Math.min(delay * 2, this.policy.maxDelayMs);
    clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void this.serially(s, async () => {
        if (s.wanted && s.proc === dead) await this.spawn(s);
      }).catch((err: Error) => {
        // Not even spawned (its pid file, say): try again later.
        if (!s.wanted || s.proc !== dead) return;
        const next = this.startLater(s, dead);
        this.options.progress?.(
          `starting ${s.spec.name} again failed (${err.message}); trying again in ${next / 1000} s`,
        );
      });
    }, delay);
    return delay;
  }

  /** Marks the service unwanted at once, so that an exit from here on is not a crash. */
  private stopService(s: Service<Name>, graceMs?: number): Promise<void> {
    s.wanted = false;
    clearTimeout(s.timer);
    return this.serially(s, async () => {
      const proc = s.proc;
      if (proc) {
        this.asked.add(proc);
        await proc.stop(graceMs);
      }
      s.end(proc ? proc.child.exitCode : null);
    });
  }

  private restart(s: Service<Name>): Promise<void> {
    return this.serially(s, async () => {
      clearTimeout(s.timer);
      if (s.proc) {
        this.asked.add(s.proc);
        await s.proc.stop();
      }
      if (!s.wanted) s.ended = new Promise((r) => (s.end = r));
      s.wanted = true;
      s.delayMs = this.policy.firstDelayMs;
      await this.spawn(s);
    });
  }
}
