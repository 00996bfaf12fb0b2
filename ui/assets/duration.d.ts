export type DurationUnit = 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';
/** `seconds` as a number and the unit it is shown in, or null for no duration (null, negative, not finite). */
export function durationParts(
  seconds: number | null | undefined,
): { value: number; unit: DurationUnit; lessThan: boolean } | null;
/** `seconds` as people read it: "0.4 秒", "12 分钟", "2.5 小时", "3 天"; "—" for no duration. */
export function formatDuration(seconds: number | null | undefined, lang: 'zh' | 'en'): string;
/** How many seconds each unit holds. */
export const UNIT_SECONDS: Readonly<Record<DurationUnit, number>>;
