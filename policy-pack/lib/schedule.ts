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
/** Secrets Manager rotates a secret at most every four hours. */
const MIN_HOURS = 4;

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
      if (value < MIN_HOURS || value > 24 * MAX_DAYS) {
        return {
          ok: false,
          reason: `rate() in hours must be from ${MIN_HOURS} to ${24 * MAX_DAYS}`,
        };
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
  try {
    const cron = parseCron(body);
    // "You can rotate a secret as often as every four hours" (Rotation schedules, below).
    if (cron.hours.length > 1) {
      const gap = shortestHourGap(cron);
      if (gap < MIN_HOURS) {
        throw new Error(
          `rotates ${gap} hour(s) apart; Secrets Manager rotates at most every ${MIN_HOURS} hours`,
        );
      }
    }
    return { ok: true, maxIntervalDays: longestGap(cron.matches) };
  } catch (error) {
    return { ok: false, reason: `cron(): ${(error as Error).message}` };
  }
}

/**
 * When the rotation windows of a schedule open, as Secrets Manager reads it ("Rotation
 * windows", docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html):
 * a schedule in hours (`rate(N hours)`, or a cron() with more than one hour a day) opens a
 * window every `hoursBetween` hours at the least, and the window must be at most that long;
 * a schedule in days (a day count, `rate(N days)`, or a cron() with one hour a day) opens it
 * at `startHour` UTC, and start hour plus window must be at most 24.
 */
export type WindowReading =
  | { ok: true; unit: "hours"; hoursBetween: number }
  | { ok: true; unit: "days"; startHour: number }
  | { ok: false; reason: string };

/** Reads when a schedule's rotation windows open (see {@link WindowReading}). */
export function readRotationWindows(schedule: number | string): WindowReading {
  const reading = readSchedule(schedule);
  if (!reading.ok) return reading;
  if (typeof schedule === "number") return { ok: true, unit: "days", startHour: 0 };
  const rate = RATE.exec(schedule.trim());
  if (rate) {
    return rate[2].startsWith("hour")
      ? { ok: true, unit: "hours", hoursBetween: Number(rate[1]) }
      : { ok: true, unit: "days", startHour: 0 };
  }
  const cron = parseCron(CRON.exec(schedule.trim())![1]);
  if (cron.hours.length === 1) return { ok: true, unit: "days", startHour: cron.hours[0] };
  return { ok: true, unit: "hours", hoursBetween: shortestHourGap(cron) };
}

/**
 * Why a rotation window of `durationHours` does not fit `schedule`, or undefined when it
 * fits (or when the schedule itself is invalid: that is reported on the schedule). The
 * default window (one hour for a schedule in hours, to the end of the day for one in days)
 * always fits.
 */
export function windowProblem(
  schedule: number | string,
  durationHours: number,
): string | undefined {
  const windows = readRotationWindows(schedule);
  if (!windows.ok) return undefined;
  if (windows.unit === "hours") {
    return durationHours <= windows.hoursBetween
      ? undefined
      : `a ${durationHours}h window reaches the next rotation window of ${String(schedule)} (${windows.hoursBetween} hours apart); allowed: 1h to ${windows.hoursBetween}h`;
  }
  return windows.startHour + durationHours <= 24
    ? undefined
    : `a ${durationHours}h window opening at ${windows.startHour}:00 UTC (${String(schedule)}) passes into the next UTC day; allowed: 1h to ${24 - windows.startHour}h`;
}

/** The fields of a cron() that decide when windows open. */
interface CronReading {
  /** Hours of the day at which a window opens, ascending. */
  hours: number[];
  /** Whether a day is a rotation day. */
  matches: DayMatcher;
}

/**
 * Reads the six fields of a Secrets Manager cron(). Secrets Manager refuses minutes other
 * than 0 (windows open on the hour) and a year other than `*` (it does not support schedules
 * more than a year apart): "Schedule expressions in Secrets Manager rotation", Cron
 * expressions (docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_schedule.html).
 */
function parseCron(body: string): CronReading {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  if (minutes !== "0") {
    throw new Error(
      `the minutes field must be 0 (rotation windows open on the hour), got '${minutes}'`,
    );
  }
  const hourSet = numberSet(hours, 0, 23, []);
  const months = numberSet(month, 1, 12, MONTHS);
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    throw new Error("exactly one of day-of-month and day-of-week must be '?'");
  }
  const dayMatches: DayMatcher =
    dayOfMonth === "?" ? weekdayMatcher(dayOfWeek) : monthDayMatcher(dayOfMonth);
  if (year !== "*") {
    throw new Error(
      `the year field must be * (Secrets Manager does not support schedules more than a year apart), got '${year}'`,
    );
  }
  return {
    hours: [...hourSet].sort((a, b) => a - b),
    matches: (d) => months.has(d.getUTCMonth() + 1) && dayMatches(d),
  };
}

/**
 * Fewest hours between two windows of a cron(): between the hours of one day, and from the
 * last hour of a day to the first of the next when two consecutive days both rotate (hour
 * increments reset each day: cron(0 4/12 * * ? *) is 4:00, 16:00, then 4:00).
 */
function shortestHourGap(cron: CronReading): number {
  const { hours } = cron;
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < hours.length; i++) shortest = Math.min(shortest, hours[i] - hours[i - 1]);
  if (rotatesOnConsecutiveDays(cron.matches)) {
    shortest = Math.min(shortest, 24 - hours[hours.length - 1] + hours[0]);
  }
  return shortest;
}

function rotatesOnConsecutiveDays(matches: DayMatcher): boolean {
  const start = Date.UTC(2024, 0, 1);
  let previous = false;
  for (let i = 0; i <= 4 * 366; i++) {
    const now = matches(new Date(start + i * 86_400_000));
    if (now && previous) return true;
    previous = now;
  }
  return false;
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
