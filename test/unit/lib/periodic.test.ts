import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicJob } from '../../../lib/periodic.js';
import type { Logger } from '../../../lib/logger.js';

const logWith = (warn: (obj: unknown, msg: string) => void) => ({ warn }) as unknown as Logger;

describe('startPeriodicJob', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs first after firstRunAfterMs, then every interval, never twice at once, until stopped', async () => {
    let release: () => void = () => undefined;
    const run = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    const stop = startPeriodicJob(
      { name: 'job', intervalMs: 1000, firstRunAfterMs: 100, run },
      logWith(() => {}),
    );
    await vi.advanceTimersByTimeAsync(99);
    expect(run).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000); // still running: the ticks at 1000 and 2000 are skipped
    expect(run).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
    release();
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('without firstRunAfterMs first runs one interval after start; a failure is logged and retried', async () => {
    const warnings: string[] = [];
    const run = vi.fn().mockRejectedValueOnce(new Error('down')).mockResolvedValue(undefined);
    const stop = startPeriodicJob(
      { name: 'credit report', intervalMs: 1000, run },
      logWith((_obj, msg) => warnings.push(msg)),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(run).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(warnings).toEqual(['credit report failed; retrying at the next run']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
    expect(warnings).toHaveLength(1);
    stop();
  });
});
