// A duration in the unit its size calls for: seconds under a minute, minutes under an hour, hours
// under a day, days beyond. Pure: the dashboard's time to decision and its unit tests share it.

const UNITS = [
  { unit: 'SECONDS', seconds: 1, below: 60, zh: '秒', en: 's' },
  { unit: 'MINUTES', seconds: 60, below: 60, zh: '分钟', en: 'min' },
  { unit: 'HOURS', seconds: 3600, below: 24, zh: '小时', en: 'h' },
  { unit: 'DAYS', seconds: 86_400, below: Infinity, zh: '天', en: 'days' },
];

/** The smallest amount shown; a shorter non-zero duration reads "<0.1 秒". */
const SMALLEST = 0.1;

/** One decimal under ten, whole numbers from ten: 0.4, 9.5, 12, 59. */
function rounded(value) {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

/**
 * `seconds` as a number and the unit it is shown in, or null for no duration (null, negative,
 * not finite). The unit is chosen after rounding, so 59.96 seconds is 1 minute, never 60 seconds.
 * @param {number | null | undefined} seconds
 * @returns {{ value: number, unit: 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS', lessThan: boolean } | null}
 */
export function durationParts(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return null;
  if (seconds > 0 && seconds < SMALLEST / 2) return { value: SMALLEST, unit: 'SECONDS', lessThan: true };
  for (const u of UNITS) {
    const value = rounded(seconds / u.seconds);
    if (value < u.below) return { value, unit: u.unit, lessThan: false };
  }
  throw new Error('unreachable: days have no upper bound');
}

/**
 * `seconds` as people read it: "0.4 秒", "12 分钟", "2.5 小时", "3 天" ("2.5 h" in English);
 * "—" for no duration. A non-zero duration never reads "0 秒".
 * @param {number | null | undefined} seconds
 * @param {'zh' | 'en'} lang
 */
export function formatDuration(seconds, lang) {
  const parts = durationParts(seconds);
  if (parts === null) return '—';
  const words = UNITS.find((u) => u.unit === parts.unit)[lang === 'en' ? 'en' : 'zh'];
  return `${parts.lessThan ? '<' : ''}${parts.value} ${words}`;
}

/** How many seconds each unit holds. */
export const UNIT_SECONDS = Object.fromEntries(UNITS.map((u) => [u.unit, u.seconds]));
