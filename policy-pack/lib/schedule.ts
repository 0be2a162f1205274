/**
 * Rotation schedules as Secrets Manager accepts them: a number of days
 * (`automaticallyAfterDays`), `rate(N days|hours)` or a six-field `cron(...)`.
 *
 * The config module uses this to reject malformed schedules before anything is
 * registered, and the policy pack uses it to judge the longest interval between two
 * rotations, so both sides agree on one reading of a schedule.
 */

export type ScheduleReading = { ok: true; maxIntervalDays: number } | { ok: false; reason: string };

const RATE = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\((.+)\)$/;
const MAX_DAYS = 1000;

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** Reads `automaticallyAfterDays`: a whole number of days from 1 to 1000. */
export function readDays(days: number): ScheduleReading {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    return {
      ok: false,
      reason: `automaticallyAfterDays must be a whole number from 1 to ${MAX_DAYS}`,
    };
  }
  return { ok: true, maxIntervalDays: days };
}

/** Reads a `rate()` or `cron()` schedule expression. */
export function readScheduleExpression(expression: string): ScheduleReading {
  const rate = RATE.exec(expression.trim());
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2].startsWith("hour") ? "hours" : "days";
    if ((value === 1) === rate[2].endsWith("s")) {
      // AWS accepts "rate(1 day)" and "rate(2 days)", not "rate(2 day)" or "rate(1 days)".
      return { ok: false, reason: `rate() uses the singular unit for 1 and the plural otherwise` };
    }
    if (unit === "hours") {
      if (value < 4 || value > 24 * MAX_DAYS) {
        return { ok: false, reason: `rate() in hours must be from 4 to ${24 * MAX_DAYS}` };
      }
      return { ok: true, maxIntervalDays: value / 24 };
    }
    return readDays(value);
  }
  const cron = CRON.exec(expression.trim());
  if (cron) return readCron(cron[1]);
  return {
    ok: false,
    reason:
      "expected rate(N days), rate(N hours) or cron(minutes hours day-of-month month day-of-week year)",
  };
}

/** Reads either form of a schedule: a number of days or an expression. */
export function readSchedule(schedule: number | string): ScheduleReading {
  return typeof schedule === "number" ? readDays(schedule) : readScheduleExpression(schedule);
}

type DayMatcher = (date: Date) => boolean;

function readCron(body: string): ScheduleReading {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    return {
      ok: false,
      reason: `cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    };
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  try {
    numberSet(minutes, 0, 59, []);
    numberSet(hours, 0, 23, []);
    const months = numberSet(month, 1, 12, MONTHS);
    if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
      throw new Error("exactly one of day-of-month and day-of-week must be '?'");
    }
    const dayMatches: DayMatcher =
      dayOfMonth === "?" ? weekdayMatcher(dayOfWeek) : monthDayMatcher(dayOfMonth);
    if (year !== "*") {
      numberSet(year, 1970, 2199, []);
      // A schedule limited to given years stops rotating after them.
      return { ok: true, maxIntervalDays: Number.POSITIVE_INFINITY };
    }
    return {
      ok: true,
      maxIntervalDays: longestGap((d) => months.has(d.getUTCMonth() + 1) && dayMatches(d)),
    };
  } catch (error) {
    return { ok: false, reason: `cron(): ${(error as Error).message}` };
  }
}

/** Longest gap, in days, between two matching days over four years (one leap cycle). */
function longestGap(matches: DayMatcher): number {
  const start = Date.UTC(2024, 0, 1);
  const dayMs = 86_400_000;
  const span = 4 * 366;
  let first = -1;
  let last = -1;
  let longest = 0;
  for (let i = 0; i < span; i++) {
    if (!matches(new Date(start + i * dayMs))) continue;
    if (first < 0) first = i;
    else longest = Math.max(longest, i - last);
    last = i;
  }
  if (first < 0) throw new Error("the expression never matches a day");
  // The schedule repeats: the gap from the last match round to the first one counts too.
  return Math.max(longest, span - last + first, 1);
}

function monthDayMatcher(field: string): DayMatcher {
  if (field === "*") return () => true;
  if (field === "L") return (d) => d.getUTCDate() === daysInMonth(d);
  const weekday = /^(\d{1,2})W$/.exec(field);
  if (weekday) {
    // Nearest weekday to day N: within the month it is at most two days away, so the day
    // itself is a close enough reading for an interval.
    const day = Number(weekday[1]);
    if (day < 1 || day > 31) throw new Error(`day-of-month ${field} is out of range`);
    return (d) => d.getUTCDate() === Math.min(day, daysInMonth(d));
  }
  const days = numberSet(field, 1, 31, []);
  return (d) => days.has(d.getUTCDate());
}

function weekdayMatcher(field: string): DayMatcher {
  if (field === "*") return () => true;
  const nth = /^([1-7]|[A-Z]{3})#([1-5])$/.exec(field);
  if (nth) {
    const day = single(nth[1], 1, 7, WEEKDAYS);
    const n = Number(nth[2]);
    return (d) => d.getUTCDay() + 1 === day && Math.ceil(d.getUTCDate() / 7) === n;
  }
  const last = /^([1-7]|[A-Z]{3})L$/.exec(field);
  if (last) {
    const day = single(last[1], 1, 7, WEEKDAYS);
    return (d) => d.getUTCDay() + 1 === day && d.getUTCDate() + 7 > daysInMonth(d);
  }
  const days = numberSet(field, 1, 7, WEEKDAYS);
  return (d) => days.has(d.getUTCDay() + 1);
}

function daysInMonth(d: Date): number {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
}

function single(token: string, min: number, max: number, names: string[]): number {
  const named = names.indexOf(token.toUpperCase());
  const value = named >= 0 ? named + 1 : Number(token);
  if (!/^\d+$/.test(token) && named < 0) throw new Error(`'${token}' is not a number or a name`);
  if (value < min || value > max) throw new Error(`${token} is outside ${min}-${max}`);
  return value;
}

/** Expands `*`, `N`, `N-M`, `*\/S`, `N/S`, `N-M/S` and comma lists into the set of values. */
function numberSet(field: string, min: number, max: number, names: string[]): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in '${part}'`);
    let low = min;
    let high = max;
    if (range !== "*") {
      const [a, b] = range.split("-");
      low = single(a, min, max, names);
      high = b === undefined ? (stepText === undefined ? low : max) : single(b, min, max, names);
      if (high < low) throw new Error(`range '${range}' runs backwards`);
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return values;
}
