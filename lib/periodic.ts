// A job an API process runs on a timer: never two runs of it at once in this process (a run still
// going when the next is due is skipped), a failure logged and retried at the next run, and timers
// that never keep the process alive. Jobs are idempotent, so replicas may run them at the same time.
import type { Logger } from './logger.js';

export interface PeriodicJob {
  /** What the log says failed, e.g. "AML detection". */
  name: string;
  intervalMs: number;
  /** A first run this long after start; without it the first run is one interval after start. */
  firstRunAfterMs?: number;
  run: () => Promise<void>;
}

/** Starts the job; returns the function that stops it. */
export function startPeriodicJob(job: PeriodicJob, log: Logger): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    job
      .run()
      .catch((err: unknown) => log.warn({ err }, `${job.name} failed; retrying at the next run`))
      .finally(() => {
        running = false;
      });
  };
  const first = job.firstRunAfterMs === undefined ? undefined : setTimeout(tick, job.firstRunAfterMs);
  first?.unref();
  const timer = setInterval(tick, job.intervalMs);
  timer.unref();
  return () => {
    if (first) clearTimeout(first);
    clearInterval(timer);
  };
}
