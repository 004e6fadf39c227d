//! Tests for `strftime`; expected strings come from glibc's `strftime` on `gmtime` (the
//! same text `lua5.4 -e 'print(os.date("!...", t))'` prints) and from `lua5.4` with `TZ=UTC`.
use super::*;

const FORMATS: [&str; 11] = [
    "%a %A %b %B %h",
    "%c",
    "%C %y %Y %G %g",
    "%d %e %j %m",
    "%D %F %x",
    "%H %I %M %S %p",
    "%r %R %T %X",
    "%u %w %U %W %V",
    "%z %Z %n%t%%",
    "%Ec %EC %Ex %EX %Ey %EY",
    "%Od %Oe %OH %OI %Om %OM %OS %Ou %OU %OV %Ow %OW %Oy",
];

/// (timestamp, output of each of `FORMATS`)
const GLIBC: &[(i64, [&str; 11])] = &[
    (
        0,
        [
            "Thu Thursday Jan January Jan",
            "Thu Jan  1 00:00:00 1970",
            "19 70 1970 1970 70",
            "01  1 001 01",
            "01/01/70 1970-01-01 01/01/70",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "4 4 00 00 01",
            "+0000 GMT \n\t%",
            "Thu Jan  1 00:00:00 1970 19 01/01/70 00:00:00 70 1970",
            "01  1 00 12 01 00 00 4 00 01 4 00 70",
        ],
    ),
    (
        1700000000,
        [
            "Tue Tuesday Nov November Nov",
            "Tue Nov 14 22:13:20 2023",
            "20 23 2023 2023 23",
            "14 14 318 11",
            "11/14/23 2023-11-14 11/14/23",
            "22 10 13 20 PM",
            "10:13:20 PM 22:13 22:13:20 22:13:20",
            "2 2 46 46 46",
            "+0000 GMT \n\t%",
            "Tue Nov 14 22:13:20 2023 20 11/14/23 22:13:20 23 2023",
            "14 14 22 10 11 13 20 2 46 46 2 46 23",
        ],
    ),
    (
        -1,
        [
            "Wed Wednesday Dec December Dec",
            "Wed Dec 31 23:59:59 1969",
            "19 69 1969 1970 70",
            "31 31 365 12",
            "12/31/69 1969-12-31 12/31/69",
            "23 11 59 59 PM",
            "11:59:59 PM 23:59 23:59:59 23:59:59",
            "3 3 52 52 01",
            "+0000 GMT \n\t%",
            "Wed Dec 31 23:59:59 1969 19 12/31/69 23:59:59 69 1969",
            "31 31 23 11 12 59 59 3 52 01 3 52 69",
        ],
    ),
    (
        951782400,
        [
            "Tue Tuesday Feb February Feb",
            "Tue Feb 29 00:00:00 2000",
            "20 00 2000 2000 00",
            "29 29 060 02",
            "02/29/00 2000-02-29 02/29/00",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "2 2 09 09 09",
            "+0000 GMT \n\t%",
            "Tue Feb 29 00:00:00 2000 20 02/29/00 00:00:00 00 2000",
            "29 29 00 12 02 00 00 2 09 09 2 09 00",
        ],
    ),
    (
        1609459199,
        [
            "Thu Thursday Dec December Dec",
            "Thu Dec 31 23:59:59 2020",
            "20 20 2020 2020 20",
            "31 31 366 12",
            "12/31/20 2020-12-31 12/31/20",
            "23 11 59 59 PM",
            "11:59:59 PM 23:59 23:59:59 23:59:59",
            "4 4 52 52 53",
            "+0000 GMT \n\t%",
            "Thu Dec 31 23:59:59 2020 20 12/31/20 23:59:59 20 2020",
            "31 31 23 11 12 59 59 4 52 53 4 52 20",
        ],
    ),
    (
        1609459200,
        [
            "Fri Friday Jan January Jan",
            "Fri Jan  1 00:00:00 2021",
            "20 21 2021 2020 20",
            "01  1 001 01",
            "01/01/21 2021-01-01 01/01/21",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "5 5 00 00 53",
            "+0000 GMT \n\t%",
            "Fri Jan  1 00:00:00 2021 20 01/01/21 00:00:00 21 2021",
            "01  1 00 12 01 00 00 5 00 53 5 00 21",
        ],
    ),
    (
        -62135596800,
        [
            "Mon Monday Jan January Jan",
            "Mon Jan  1 00:00:00 1",
            "0 01 1 1 01",
            "01  1 001 01",
            "01/01/01 1-01-01 01/01/01",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "1 1 00 01 01",
            "+0000 GMT \n\t%",
            "Mon Jan  1 00:00:00 1 0 01/01/01 00:00:00 01 1",
            "01  1 00 12 01 00 00 1 00 01 1 01 01",
        ],
    ),
    (
        -62167219200,
        [
            "Sat Saturday Jan January Jan",
            "Sat Jan  1 00:00:00 0",
            "0 00 0 -1 99",
            "01  1 001 01",
            "01/01/00 0-01-01 01/01/00",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "6 6 00 00 52",
            "+0000 GMT \n\t%",
            "Sat Jan  1 00:00:00 0 0 01/01/00 00:00:00 00 0",
            "01  1 00 12 01 00 00 6 00 52 6 00 00",
        ],
    ),
    (
        -62198755200,
        [
            "Fri Friday Jan January Jan",
            "Fri Jan  1 00:00:00 -1",
            "-1 99 -1 -2 98",
            "01  1 001 01",
            "01/01/99 -1-01-01 01/01/99",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "5 5 00 00 53",
            "+0000 GMT \n\t%",
            "Fri Jan  1 00:00:00 -1 -1 01/01/99 00:00:00 99 -1",
            "01  1 00 12 01 00 00 5 00 53 5 00 99",
        ],
    ),
    (
        253402300800,
        [
            "Sat Saturday Jan January Jan",
            "Sat Jan  1 00:00:00 10000",
            "100 00 10000 9999 99",
            "01  1 001 01",
            "01/01/00 10000-01-01 01/01/00",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "6 6 00 00 52",
            "+0000 GMT \n\t%",
            "Sat Jan  1 00:00:00 10000 100 01/01/00 00:00:00 00 10000",
            "01  1 00 12 01 00 00 6 00 52 6 00 00",
        ],
    ),
    (
        1104537600,
        [
            "Sat Saturday Jan January Jan",
            "Sat Jan  1 00:00:00 2005",
            "20 05 2005 2004 04",
            "01  1 001 01",
            "01/01/05 2005-01-01 01/01/05",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "6 6 00 00 53",
            "+0000 GMT \n\t%",
            "Sat Jan  1 00:00:00 2005 20 01/01/05 00:00:00 05 2005",
            "01  1 00 12 01 00 00 6 00 53 6 00 05",
        ],
    ),
    (
        1230768000,
        [
            "Thu Thursday Jan January Jan",
            "Thu Jan  1 00:00:00 2009",
            "20 09 2009 2009 09",
            "01  1 001 01",
            "01/01/09 2009-01-01 01/01/09",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "4 4 00 00 01",
            "+0000 GMT \n\t%",
            "Thu Jan  1 00:00:00 2009 20 01/01/09 00:00:00 09 2009",
            "01  1 00 12 01 00 00 4 00 01 4 00 09",
        ],
    ),
    (
        1262217600,
        [
            "Thu Thursday Dec December Dec",
            "Thu Dec 31 00:00:00 2009",
            "20 09 2009 2009 09",
            "31 31 365 12",
            "12/31/09 2009-12-31 12/31/09",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "4 4 52 52 53",
            "+0000 GMT \n\t%",
            "Thu Dec 31 00:00:00 2009 20 12/31/09 00:00:00 09 2009",
            "31 31 00 12 12 00 00 4 52 53 4 52 09",
        ],
    ),
    (
        43200,
        [
            "Thu Thursday Jan January Jan",
            "Thu Jan  1 12:00:00 1970",
            "19 70 1970 1970 70",
            "01  1 001 01",
            "01/01/70 1970-01-01 01/01/70",
            "12 12 00 00 PM",
            "12:00:00 PM 12:00 12:00:00 12:00:00",
            "4 4 00 00 01",
            "+0000 GMT \n\t%",
            "Thu Jan  1 12:00:00 1970 19 01/01/70 12:00:00 70 1970",
            "01  1 12 12 01 00 00 4 00 01 4 00 70",
        ],
    ),
    (
        1135987200,
        [
            "Sat Saturday Dec December Dec",
            "Sat Dec 31 00:00:00 2005",
            "20 05 2005 2005 05",
            "31 31 365 12",
            "12/31/05 2005-12-31 12/31/05",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "6 6 52 52 52",
            "+0000 GMT \n\t%",
            "Sat Dec 31 00:00:00 2005 20 12/31/05 00:00:00 05 2005",
            "31 31 00 12 12 00 00 6 52 52 6 52 05",
        ],
    ),
    (
        1136073600,
        [
            "Sun Sunday Jan January Jan",
            "Sun Jan  1 00:00:00 2006",
            "20 06 2006 2005 05",
            "01  1 001 01",
            "01/01/06 2006-01-01 01/01/06",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "7 0 01 00 52",
            "+0000 GMT \n\t%",
            "Sun Jan  1 00:00:00 2006 20 01/01/06 00:00:00 06 2006",
            "01  1 00 12 01 00 00 7 01 52 0 00 06",
        ],
    ),
    (
        -2208988800,
        [
            "Mon Monday Jan January Jan",
            "Mon Jan  1 00:00:00 1900",
            "19 00 1900 1900 00",
            "01  1 001 01",
            "01/01/00 1900-01-01 01/01/00",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "1 1 00 01 01",
            "+0000 GMT \n\t%",
            "Mon Jan  1 00:00:00 1900 19 01/01/00 00:00:00 00 1900",
            "01  1 00 12 01 00 00 1 00 01 1 01 00",
        ],
    ),
    (
        1230681600,
        [
            "Wed Wednesday Dec December Dec",
            "Wed Dec 31 00:00:00 2008",
            "20 08 2008 2009 09",
            "31 31 366 12",
            "12/31/08 2008-12-31 12/31/08",
            "00 12 00 00 AM",
            "12:00:00 AM 00:00 00:00:00 00:00:00",
            "3 3 52 52 01",
            "+0000 GMT \n\t%",
            "Wed Dec 31 00:00:00 2008 20 12/31/08 00:00:00 08 2008",
            "31 31 00 12 12 00 00 3 52 01 3 52 08",
        ],
    ),
];

fn date(fmt: &str, tm: &Tm) -> Result<String, String> {
    let mut out = Vec::new();
    strftime(fmt.as_bytes(), tm, b"GMT", &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

#[test]
fn matches_glibc() {
    for (t, outs) in GLIBC {
        let tm = from_timestamp(*t, 0).unwrap();
        for (fmt, want) in FORMATS.iter().zip(outs) {
            assert_eq!(date(fmt, &tm).as_deref(), Ok(*want), "{fmt} at {t}");
        }
    }
}

#[test]
fn odd_years_match_glibc() {
    // (year, "[%C|%y|%Y|%G|%g|%F|%EC|%Ey|%EY|%Oy]") for January 1st of that year.
    let cases: &[(i64, &str)] = &[
        (5, "[0|05|5|5|05|5-01-01|0|05|5|05]"),
        (100, "[1|00|100|100|00|100-01-01|1|00|100|00]"),
        (999, "[9|99|999|999|99|999-01-01|9|99|999|99]"),
        (-5, "[-1|95|-5|-5|95|-5-01-01|-1|95|-5|95]"),
        (-99, "[-1|01|-99|-99|01|-99-01-01|-1|01|-99|01]"),
        (-100, "[-1|00|-100|-100|00|-100-01-01|-1|00|-100|00]"),
        (-101, "[-2|99|-101|-101|99|-101-01-01|-2|99|-101|99]"),
        (-2000, "[-20|00|-2000|-2000|00|-2000-01-01|-20|00|-2000|00]"),
        (12345, "[123|45|12345|12345|45|12345-01-01|123|45|12345|45]"),
    ];
    for &(year, want) in cases {
        // A mid-year date so that the ISO year equals the calendar year, as in the C probe.
        let t = days_from_civil(year, 6, 1) * 86_400;
        let tm = from_timestamp(t, 0).unwrap();
        let got = date("[%C|%y|%Y|%G|%g|%Y-01-01|%EC|%Ey|%EY|%Oy]", &tm).unwrap();
        assert_eq!(got, want, "{year}");
    }
}

#[test]
fn lua_limits_and_errors() {
    // lua5.4: os.date("!%Y", 67768036191676799) --> -2147481749 (glibc's int year wraps)
    let tm = from_timestamp(67768036191676799, 0).unwrap();
    assert_eq!(date("%Y", &tm).unwrap(), "-2147481749");
    assert_eq!(from_timestamp(67768036191676800, 0), None);
    let tm = from_timestamp(-67768040609740800, 0).unwrap();
    assert_eq!(date("%Y", &tm).unwrap(), "-2147481748");
    assert_eq!(from_timestamp(-67768040609740801, 0), None);
    assert_eq!(from_timestamp(1_000_000_000_000_000_000, 0), None);
    let tm = from_timestamp(1 << 55, 0).unwrap();
    assert_eq!(date("%Y", &tm).unwrap(), "1141709097");
    let tm = from_timestamp(0, 0).unwrap();
    let bad = |f: &str| date(f, &tm).unwrap_err();
    assert_eq!(bad("%Ez"), "invalid conversion specifier '%Ez'");
    assert_eq!(bad("%Ez abc"), "invalid conversion specifier '%Ez abc'");
    assert_eq!(bad("%"), "invalid conversion specifier '%'");
    assert_eq!(bad("abc%"), "invalid conversion specifier '%'");
    assert_eq!(bad("%5d"), "invalid conversion specifier '%5d'");
    assert_eq!(bad("%Q"), "invalid conversion specifier '%Q'");
    assert_eq!(bad("%E"), "invalid conversion specifier '%E'");
    assert_eq!(bad("%O"), "invalid conversion specifier '%O'");
    assert_eq!(bad("%OY"), "invalid conversion specifier '%OY'");
    assert_eq!(
        date("%Ex|%EX|%Ec", &tm).unwrap(),
        "01/01/70|00:00:00|Thu Jan  1 00:00:00 1970"
    );
    assert_eq!(date("a\0b%Y", &tm).unwrap(), "a\0b1970");
    let mut out = Vec::new();
    strftime(
        b"%z %Z",
        &from_timestamp(0, -(5 * 3600 + 30 * 60)).unwrap(),
        b"XYZ",
        &mut out,
    )
    .unwrap();
    assert_eq!(out, b"-0530 XYZ");
}

#[test]
fn os_time_normalisation() {
    // TZ=UTC lua5.4: os.time(t) and the fields written back into t.
    let show = |tm: &Tm| {
        format!(
            "{}-{}-{} {}:{}:{} wday={} yday={}",
            tm.year,
            tm.month,
            tm.day,
            tm.hour,
            tm.min,
            tm.sec,
            tm.wday + 1,
            tm.yday + 1
        )
    };
    let (t, tm) = normalize(2020, 14, -3, 25, -1, 61).unwrap();
    assert_eq!(
        (t, show(&tm).as_str()),
        (1611882001, "2021-1-29 1:0:1 wday=6 yday=29")
    );
    let (t, tm) = normalize(2021, 0, 0, 12, 0, 0).unwrap();
    assert_eq!(
        (t, show(&tm).as_str()),
        (1606737600, "2020-11-30 12:0:0 wday=2 yday=335")
    );
    let (t, tm) = normalize(2021, -25, 400, -30, 0, 0).unwrap();
    assert_eq!(
        (t, show(&tm).as_str()),
        (1575396000, "2019-12-3 18:0:0 wday=3 yday=337")
    );
    assert_eq!(
        normalize(2147485547, 1, 1, 12, 0, 0).map(|r| r.0),
        Some(67768036160184000)
    );
    assert_eq!(
        normalize(-2147481748, 1, 1, 12, 0, 0).map(|r| r.0),
        Some(-67768040609697600)
    );
    assert_eq!(normalize(1970, 1, 1, 0, 0, -1).map(|r| r.0), Some(-1));
    assert_eq!(normalize(i64::MAX, 1, 1, 0, 0, 0), None);
    assert!(field_in_range(2147485547, 1900));
    assert!(!field_in_range(2147485548, 1900));
    assert!(field_in_range(-2147481748, 1900));
    assert!(!field_in_range(-2147481749, 1900));
    let tm = from_timestamp(86400 * 59 + 43200, 0).unwrap();
    assert_eq!(show(&tm), "1970-3-1 12:0:0 wday=1 yday=60");
}

#[test]
fn civil_round_trip() {
    for days in (-800_000..800_000).step_by(997) {
        let (y, m, d) = civil_from_days(days);
        assert_eq!(days_from_civil(y, m, d), days);
    }
    assert_eq!(days_from_civil(2000, 2, 29), 11016);
    assert_eq!(civil_from_days(-719_528), (0, 1, 1));
}
