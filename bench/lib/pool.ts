// Bounded concurrency for load runs.

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once; collects results and errors. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<{ results: T[]; errors: Error[] }> {
  const results: T[] = [];
  const errors: Error[] = [];
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next++;
      try {
        results.push(await task(i));
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
  });
  await Promise.all(lanes);
  return { results, errors };
}
