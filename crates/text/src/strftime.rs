//! Calendar arithmetic and `strftime` for `os.date` and `os.time` (manual §6.9): conversions
//! between Unix timestamps and broken-down UTC time (proleptic Gregorian calendar, no libc),
//! `mktime`-style normalisation of `os.time{...}` fields, and the C-locale `strftime` conversions
//! PUC Lua 5.4 allows (C99's set plus the `E` and `O` modifiers), printing exactly what glibc
//! prints.
//!
//! Local time is the caller's business: every function here works in UTC, and the caller adds
//! or subtracts its zone offset (`from_timestamp(t, offset)` puts `offset` into `gmtoff` for
//! `%z`; `%Z` prints whatever zone name the caller passes).

use std::io::Write;

/// Broken-down time, like C's `struct tm` but with the full year and a 1-based month.
///
/// Invariant (for values made here): the fields are in range and consistent with each other
/// (`wday` and `yday` agree with the date), and `year - 1900` fits in a C `int`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tm {
    /// Full year (1970, 0, -44, …).
    pub year: i64,
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// 0..=23.
    pub hour: u32,
    /// 0..=59.
    pub min: u32,
    /// 0..=60.
    pub sec: u32,
    /// Day of the week, 0 = Sunday (Lua's `wday` is this + 1).
    pub wday: u32,
    /// Day of the year, 0 = January 1st (Lua's `yday` is this + 1).
    pub yday: u32,
    pub isdst: bool,
    /// Seconds east of UTC, printed by `%z`.
    pub gmtoff: i64,
}

const SECS_PER_DAY: i64 = 86_400;

/// Is `y` a leap year of the proleptic Gregorian calendar?
pub fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days from 1970-01-01 to the given date (`month` 1..=12, `day` 1..=31), in 400-year eras of
/// 146 097 days counted from March so that the leap day ends each year.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // 0..=399
    let mp = (month as i64 + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + day as i64 - 1; // 0..=365
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0..=146096
    era * 146_097 + doe - 719_468
}

/// The date `days` days after 1970-01-01: `(year, month, day)`.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// Does a broken-down year fit C's `int tm_year` (as `gmtime`/`mktime` require)?
fn year_fits(year: i64) -> bool {
    year.checked_sub(1900)
        .is_some_and(|y| i32::try_from(y).is_ok())
}

/// Broken-down time of `t + offset` seconds after the epoch, with `gmtoff = offset`; `None`
/// when the year does not fit a C `int` (PUC: `date result cannot be represented in this
/// installation`).
pub fn from_timestamp(t: i64, offset: i64) -> Option<Tm> {
    let t = t.checked_add(offset)?;
    let days = t.div_euclid(SECS_PER_DAY);
    let secs = t.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    if !year_fits(year) {
        return None;
    }
    let yday = (days - days_from_civil(year, 1, 1)) as u32;
    Some(Tm {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        min: (secs / 60 % 60) as u32,
        sec: (secs % 60) as u32,
        wday: (days + 4).rem_euclid(7) as u32, // 1970-01-01 was a Thursday
        yday,
        isdst: false,
        gmtoff: offset,
    })
}

/// The timestamp of a (possibly denormal) UTC date and time, as `mktime` computes it: months
/// past 12 or below 1 carry into the year, days, hours, minutes and seconds out of range carry
/// into the larger units. `None` on arithmetic overflow.
pub fn timestamp_from_fields(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
) -> Option<i64> {
    let m0 = month.checked_sub(1)?;
    let year = year.checked_add(m0.div_euclid(12))?;
    // Keep the era arithmetic of `days_from_civil` within range.
    if year.unsigned_abs() > (i64::MAX / 400) as u64 {
        return None;
    }
    let month = (m0.rem_euclid(12) + 1) as u32;
    let days = days_from_civil(year, month, 1).checked_add(day.checked_sub(1)?)?;
    days.checked_mul(SECS_PER_DAY)?
        .checked_add(hour.checked_mul(3600)?)?
        .checked_add(min.checked_mul(60)?)?
        .checked_add(sec)
}

/// `os.time{...}` in UTC: normalises the fields as `mktime` does and returns the timestamp with
/// the normalised broken-down time (to write back into the table). `None` when the result is
/// out of range ("time result cannot be represented in this installation"). A local-time caller
/// subtracts its offset from the timestamp and converts again; note that PUC also reports a
/// result of exactly -1 as unrepresentable (that is `mktime`'s error value).
pub fn normalize(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
) -> Option<(i64, Tm)> {
    let t = timestamp_from_fields(year, month, day, hour, min, sec)?;
    Some((t, from_timestamp(t, 0)?))
}

/// Does an `os.time` table field fit C's `int` after subtracting `delta` (1900 for `year`, 1 for
/// `month`, 0 otherwise)? PUC reports `field 'x' is out-of-bound` otherwise.
pub fn field_in_range(v: i64, delta: i64) -> bool {
    v.checked_sub(delta)
        .is_some_and(|x| i32::try_from(x).is_ok())
}

const DAY_ABBR: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const DAY_NAME: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTH_ABBR: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTH_NAME: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Conversions without a modifier that PUC accepts (C99's `strftime` set).
const PLAIN_CONVERSIONS: &[u8] = b"aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%";
/// Conversions accepted after `E`.
const E_CONVERSIONS: &[u8] = b"cCxXyY";
/// Conversions accepted after `O`.
const O_CONVERSIONS: &[u8] = b"deHImMSuUVwWy";

/// `os.date`'s formatting (after the caller removed a leading `!` and handled `*t`): every
/// conversion in `fmt` is expanded from `tm` in the C locale, `%Z` printing `zone`. An unknown
/// conversion fails with the text of PUC's argument error for argument 1, `invalid conversion
/// specifier '%Ez'` (which quotes the rest of the format, up to a NUL byte).
pub fn strftime(fmt: &[u8], tm: &Tm, zone: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let mut i = 0;
    while i < fmt.len() {
        let Some(off) = fmt[i..].iter().position(|&b| b == b'%') else {
            out.extend_from_slice(&fmt[i..]);
            break;
        };
        out.extend_from_slice(&fmt[i..i + off]);
        i += off + 1;
        let conv = match fmt.get(i) {
            Some(&m @ (b'E' | b'O')) => {
                let allowed = if m == b'E' {
                    E_CONVERSIONS
                } else {
                    O_CONVERSIONS
                };
                match fmt.get(i + 1) {
                    Some(c) if allowed.contains(c) => {
                        i += 2;
                        *c
                    }
                    _ => return Err(bad_conversion(&fmt[i..])),
                }
            }
            Some(c) if PLAIN_CONVERSIONS.contains(c) => {
                i += 1;
                *c
            }
            _ => return Err(bad_conversion(&fmt[i..])),
        };
        conversion(conv, tm, zone, out);
    }
    Ok(())
}

#[cold]
fn bad_conversion(rest: &[u8]) -> String {
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    format!(
        "invalid conversion specifier '%{}'",
        String::from_utf8_lossy(&rest[..end])
    )
}

/// The year as glibc prints it for `%Y` and `%G`: computed as `tm_year + 1900` in a C `int`,
/// which wraps for years just below 2^31 + 1900.
fn c_year(year: i64) -> i64 {
    ((year - 1900) as i32).wrapping_add(1900) as i64
}

/// ISO 8601 week-based year and week number (`%G`, `%V`): weeks start on Monday and week 1 is
/// the one containing the year's first Thursday.
fn iso_week(tm: &Tm) -> (i64, u32) {
    // Day of the year (0-based, may be negative or past the year's end) of the Monday that
    // starts ISO week 1 of the year whose January 1st is `yday` days before a day with
    // weekday `wday`.
    let week1_start = |yday: i64, wday: i64| -> i64 {
        let jan1_wday = (wday - yday).rem_euclid(7); // weekday of day 0
        let to_monday = (jan1_wday + 6) % 7; // days since Monday
        if to_monday <= 3 {
            -to_monday
        } else {
            7 - to_monday
        }
    };
    let (yday, wday) = (tm.yday as i64, tm.wday as i64);
    let len = |y: i64| if is_leap(y) { 366 } else { 365 };
    let start = week1_start(yday, wday);
    if yday < start {
        // Belongs to the last week of the previous year.
        let prev = tm.year - 1;
        let yday_prev = yday + len(prev);
        let start_prev = week1_start(yday_prev, wday);
        return (prev, ((yday_prev - start_prev) / 7 + 1) as u32);
    }
    let yday_next = yday - len(tm.year);
    let start_next = week1_start(yday_next, wday);
    if yday_next >= start_next {
        return (tm.year + 1, ((yday_next - start_next) / 7 + 1) as u32);
    }
    (tm.year, ((yday - start) / 7 + 1) as u32)
}

fn two(out: &mut Vec<u8>, v: i64) {
    let _ = write!(out, "{v:02}");
}

/// Appends one conversion (already validated; `E` and `O` dropped, as the C locale ignores them).
fn conversion(conv: u8, tm: &Tm, zone: &[u8], out: &mut Vec<u8>) {
    let wday = (tm.wday % 7) as usize;
    let mon = (tm.month.clamp(1, 12) - 1) as usize;
    let hour12 = match tm.hour % 12 {
        0 => 12,
        h => h,
    };
    match conv {
        b'a' => out.extend_from_slice(DAY_ABBR[wday].as_bytes()),
        b'A' => out.extend_from_slice(DAY_NAME[wday].as_bytes()),
        b'b' | b'h' => out.extend_from_slice(MONTH_ABBR[mon].as_bytes()),
        b'B' => out.extend_from_slice(MONTH_NAME[mon].as_bytes()),
        b'c' => {
            let _ = write!(
                out,
                "{} {} {:2} {:02}:{:02}:{:02} {}",
                DAY_ABBR[wday],
                MONTH_ABBR[mon],
                tm.day,
                tm.hour,
                tm.min,
                tm.sec,
                c_year(tm.year)
            );
        }
        // glibc derives the century and `%g` from the year as computed in a C `int`.
        b'C' => {
            let _ = write!(out, "{}", c_year(tm.year).div_euclid(100));
        }
        b'd' => two(out, tm.day as i64),
        b'D' | b'x' => {
            let _ = write!(
                out,
                "{:02}/{:02}/{:02}",
                tm.month,
                tm.day,
                tm.year.rem_euclid(100)
            );
        }
        b'e' => {
            let _ = write!(out, "{:2}", tm.day);
        }
        b'F' => {
            let _ = write!(out, "{}-{:02}-{:02}", c_year(tm.year), tm.month, tm.day);
        }
        b'g' => two(out, c_year(iso_week(tm).0).rem_euclid(100)),
        b'G' => {
            let _ = write!(out, "{}", c_year(iso_week(tm).0));
        }
        b'H' => two(out, tm.hour as i64),
        b'I' => two(out, hour12 as i64),
        b'j' => {
            let _ = write!(out, "{:03}", tm.yday + 1);
        }
        b'm' => two(out, tm.month as i64),
        b'M' => two(out, tm.min as i64),
        b'n' => out.push(b'\n'),
        b'p' => out.extend_from_slice(if tm.hour < 12 { b"AM" } else { b"PM" }),
        b'r' => {
            let ampm = if tm.hour < 12 { "AM" } else { "PM" };
            let _ = write!(out, "{:02}:{:02}:{:02} {}", hour12, tm.min, tm.sec, ampm);
        }
        b'R' => {
            let _ = write!(out, "{:02}:{:02}", tm.hour, tm.min);
        }
        b'S' => two(out, tm.sec as i64),
        b't' => out.push(b'\t'),
        b'T' | b'X' => {
            let _ = write!(out, "{:02}:{:02}:{:02}", tm.hour, tm.min, tm.sec);
        }
        b'u' => {
            let _ = write!(out, "{}", if wday == 0 { 7 } else { wday });
        }
        b'U' => two(out, (tm.yday as i64 + 7 - wday as i64) / 7),
        b'V' => two(out, iso_week(tm).1 as i64),
        b'w' => {
            let _ = write!(out, "{wday}");
        }
        b'W' => two(out, (tm.yday as i64 + 7 - ((wday as i64 + 6) % 7)) / 7),
        b'y' => two(out, tm.year.rem_euclid(100)),
        b'Y' => {
            let _ = write!(out, "{}", c_year(tm.year));
        }
        b'z' => {
            let off = tm.gmtoff;
            let sign = if off < 0 { '-' } else { '+' };
            let mins = off.unsigned_abs() / 60;
            let _ = write!(out, "{}{:02}{:02}", sign, mins / 60, mins % 60);
        }
        b'Z' => out.extend_from_slice(zone),
        _ => out.push(b'%'),
    }
}

#[cfg(test)]
#[path = "strftime_tests.rs"]
mod tests;
