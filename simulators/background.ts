import type { Logger } from '../lib/logger.js';

export type BackgroundTask = { name: string; run: () => Promise<unknown> };

/**
 * Runs the tasks one after another every `intervalMs`, never overlapping itself. A failing task
 * (say, the database restarting) is logged and tried again on the next tick.
 */
export class BackgroundLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly tasks: BackgroundTask[],
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.intervalMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    for (const task of this.tasks) {
      if (this.stopped) return;
      try {
        await task.run();
      } catch (err) {
        this.log.warn({ task: task.name, err }, 'background task failed; retrying on the next tick');
      }
    }
  }
}
