//! The local time zone for `os.date` and `os.time`: the zone named by `TZ` (a zoneinfo name or
//! path; empty means UTC) or else `/etc/localtime`, read from its TZif file (RFC 8536). Only the
//! transition table is used; past its last transition the last offset holds (the POSIX-rule
//! footer is not interpreted). Anything unreadable counts as UTC, named `UTC` like glibc.

use std::sync::OnceLock;

/// One local-time type of a zone.
#[derive(Clone, Debug)]
struct LocalType {
    offset: i64,
    isdst: bool,
    abbr: Vec<u8>,
}

/// A parsed zone: transition instants (ascending) with the type in force from each.
/// Invariant: `types` is non-empty and every index in `transitions` is valid.
#[derive(Debug)]
pub(crate) struct Zone {
    transitions: Vec<(i64, usize)>,
    types: Vec<LocalType>,
}

impl Zone {
    fn utc() -> Zone {
        Zone {
            transitions: Vec::new(),
            types: vec![LocalType {
                offset: 0,
                isdst: false,
                abbr: b"UTC".to_vec(),
            }],
        }
    }

    /// Offset east of UTC, DST flag and abbreviation in force at instant `t`.
    pub(crate) fn at(&self, t: i64) -> (i64, bool, &[u8]) {
        let idx = match self.transitions.partition_point(|&(at, _)| at <= t) {
            0 => self.first_std(),
            n => self.transitions[n - 1].1,
        };
        let ty = &self.types[idx.min(self.types.len() - 1)];
        (ty.offset, ty.isdst, &ty.abbr)
    }

    /// The type used before the first transition: the first standard-time type.
    fn first_std(&self) -> usize {
        self.types.iter().position(|t| !t.isdst).unwrap_or(0)
    }

    /// The instant whose local time is `local` seconds (as `mktime`): tries the offsets in
    /// force near the guess and keeps the first that maps back to `local`.
    pub(crate) fn to_utc(&self, local: i64) -> i64 {
        let guess = local.saturating_sub(self.at(local).0);
        let t2 = local.saturating_sub(self.at(guess).0);
        if t2.saturating_add(self.at(t2).0) == local {
            t2
        } else {
            guess
        }
    }
}

/// The process's local zone, read once.
pub(crate) fn local() -> &'static Zone {
    static ZONE: OnceLock<Zone> = OnceLock::new();
    ZONE.get_or_init(load)
}

fn load() -> Zone {
    let path = match std::env::var("TZ") {
        Ok(tz) => {
            let tz = tz.strip_prefix(':').unwrap_or(&tz).to_string();
            if tz.is_empty() || tz == "UTC" || tz == "UTC0" {
                return Zone::utc();
            }
            if tz.starts_with('/') {
                tz
            } else if tz.contains("..") {
                return Zone::utc();
            } else {
                format!("/usr/share/zoneinfo/{tz}")
            }
        }
        Err(_) => "/etc/localtime".to_string(),
    };
    match std::fs::read(path) {
        Ok(bytes) => parse_tzif(&bytes).unwrap_or_else(Zone::utc),
        Err(_) => Zone::utc(),
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn be64(b: &[u8], at: usize) -> Option<i64> {
    Some(i64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Parses a TZif file: the 64-bit block for version 2 and later, else the 32-bit one.
pub(crate) fn parse_tzif(b: &[u8]) -> Option<Zone> {
    if b.get(0..4)? != b"TZif" {
        return None;
    }
    let counts = |at: usize| -> Option<[usize; 6]> {
        let mut c = [0usize; 6];
        for (k, slot) in c.iter_mut().enumerate() {
            *slot = be32(b, at + 20 + 4 * k)? as usize;
        }
        Some(c)
    };
    let c1 = counts(0)?;
    let block_len = |c: &[usize; 6], tsize: usize| -> usize {
        let [isut, isstd, leap, time, ty, chars] = *c;
        time * tsize + time + ty * 6 + chars + leap * (tsize + 4) + isstd + isut
    };
    let (start, c, tsize) = if *b.get(4)? >= b'2' {
        let second = 44 + block_len(&c1, 4);
        (second + 44, counts(second)?, 8)
    } else {
        (44, c1, 4)
    };
    let [_, _, _, timecnt, typecnt, charcnt] = c;
    if typecnt == 0 {
        return None;
    }
    let mut at = start;
    let mut times = Vec::with_capacity(timecnt);
    for _ in 0..timecnt {
        let t = if tsize == 8 {
            be64(b, at)?
        } else {
            be32(b, at)? as i32 as i64
        };
        times.push(t);
        at += tsize;
    }
    let idx = b.get(at..at + timecnt)?;
    at += timecnt;
    let mut raw_types = Vec::with_capacity(typecnt);
    for _ in 0..typecnt {
        let off = be32(b, at)? as i32 as i64;
        let isdst = *b.get(at + 4)? != 0;
        let ai = *b.get(at + 5)? as usize;
        raw_types.push((off, isdst, ai));
        at += 6;
    }
    let chars = b.get(at..at + charcnt)?;
    let types = raw_types
        .into_iter()
        .map(|(offset, isdst, ai)| {
            let rest = chars.get(ai..).unwrap_or(&[]);
            let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
            LocalType {
                offset,
                isdst,
                abbr: rest[..end].to_vec(),
            }
        })
        .collect::<Vec<_>>();
    let mut transitions = Vec::with_capacity(timecnt);
    for (t, &i) in times.into_iter().zip(idx) {
        if (i as usize) < types.len() {
            transitions.push((t, i as usize));
        }
    }
    Some(Zone { transitions, types })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_zone_has_no_offset() {
        let z = Zone::utc();
        assert_eq!(z.at(0), (0, false, &b"UTC"[..]));
        assert_eq!(z.to_utc(1000), 1000);
    }

    #[test]
    fn garbage_is_not_a_zone() {
        assert!(parse_tzif(b"nope").is_none());
        assert!(parse_tzif(b"TZif2").is_none());
    }
}
