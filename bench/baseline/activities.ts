// The bare baseline's activities: no I/O, so what is measured is Temporal's own cost per step.
export async function step(i: number): Promise<number> {
  return i;
}
