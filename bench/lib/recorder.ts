// Every request of a load run: when it started, how long it took, what it was, how it ended.
export interface Sample {
  at: number;
  ms: number;
  kind: string;
  ok: boolean;
  status: number;
}

export class Recorder {
  readonly samples: Sample[] = [];
  readonly failures: Array<{ kind: string; status: number; detail: string }> = [];
  /** Every failure counted by request kind, HTTP status (0: no answer) and the API's error code. */
  readonly failureCounts = new Map<string, number>();

  /** Runs one request, timing it; a non-2xx answer or a thrown error counts as a failure. */
  async time<T>(
    kind: string,
    call: () => Promise<Response>,
    read: (r: Response) => Promise<T> = (r) => r.json() as Promise<T>,
  ): Promise<T | null> {
    const at = Date.now();
    const t0 = performance.now();
    try {
      const response = await call();
      const ok = response.ok;
      const body = ok ? await read(response) : await response.text();
      this.samples.push({ at, ms: performance.now() - t0, kind, ok, status: response.status });
      if (!ok) this.fail(kind, response.status, String(body).slice(0, 300));
      return ok ? (body as T) : null;
    } catch (err) {
      this.samples.push({ at, ms: performance.now() - t0, kind, ok: false, status: 0 });
      this.fail(kind, 0, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      return null;
    }
  }

  private fail(kind: string, status: number, detail: string) {
    const code = /"code":"([A-Z_]+)"/.exec(detail)?.[1] ?? (status === 0 ? detail.split(':')[0] : '');
    const key = [kind, status, code].filter(Boolean).join(' ');
    this.failureCounts.set(key, (this.failureCounts.get(key) ?? 0) + 1);
    if (this.failures.length < 200) this.failures.push({ kind, status, detail });
  }
}
