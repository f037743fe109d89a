// RFC 3339 §5.6 `date-time`, each field captured so its range can be checked: the shape
// alone lets through dates like 2030-02-30, which Date.parse silently rolls over to 2 March.
const dateTime = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * The instant an RFC 3339 timestamp names, in epoch milliseconds (digits beyond the
 * millisecond dropped), or `undefined` unless every field is in range: month 1–12, a day
 * that month has (leap years included), hour 0–23, minute 0–59, second 0–59, an offset
 * within ±23:59.
 *
 * Leap seconds: second 60 is accepted only where one can be inserted, at 23:59:60 UTC on
 * the last day of a month (RFC 3339 §5.7; no table of which ones really happened is
 * kept), and it names the first instant of the next day, whatever its fraction: POSIX
 * clocks, `Date.now()` included, have no 61st second and only reach that value after it.
 */
export function parseRfc3339(text: string): number | undefined {
  const fields = dateTime.exec(text);
  if (fields === null) return undefined;
  // Groups 1–6 are mandatory in the pattern, so they are present and all digits.
  const [year, month, day, hour, minute, second] = fields.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offset = offsetMinutes(fields[8], fields[9], fields[10]);
  if (offset === undefined || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;

  const millis = Number((fields[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const utc = new Date(0);
  // setUTCFullYear rather than Date.UTC, which reads years 0–99 as 1900–1999.
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute - offset, Math.min(second, 59), millis);
  if (second < 60) return utc.getTime();
  const endsMonth =
    utc.getUTCHours() === 23 &&
    utc.getUTCMinutes() === 59 &&
    utc.getUTCDate() === daysIn(utc.getUTCFullYear(), utc.getUTCMonth() + 1);
  return endsMonth ? utc.getTime() - millis + 1_000 : undefined;
}

/** `Z` is 0; `+hh:mm` / `-hh:mm` east / west of UTC, within ±23:59. */
function offsetMinutes(sign?: string, hours?: string, minutes?: string): number | undefined {
  if (sign === undefined) return 0;
  const h = Number(hours);
  const m = Number(minutes);
  if (!(h <= 23 && m <= 59)) return undefined;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
