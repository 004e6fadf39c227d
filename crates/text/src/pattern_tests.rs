//! Tests for `pattern`; expected values were printed by `lua5.4` (5.4.4).
use super::*;

/// `string.find(s, p)` as Lua prints it: start, end and captures, or `nil`.
fn find(s: &str, p: &str) -> Result<String, MatchError> {
    find_from(s, p, 0)
}

fn find_from(s: &str, p: &str, init: usize) -> Result<String, MatchError> {
    let (s, p) = (s.as_bytes(), p.as_bytes());
    if !has_specials(p) {
        return Ok(match find_plain(s, p, init) {
            Some(i) => format!("{} {}", i + 1, i + p.len()),
            None => "nil".into(),
        });
    }
    let (anchored, p) = split_anchor(p);
    let mut m = Matcher::new(s, p);
    let Some((a, b)) = m.find(init, anchored)? else {
        return Ok("nil".into());
    };
    let mut out = format!("{} {}", a + 1, b);
    for i in 0..m.result_count(false) {
        out.push(' ');
        out.push_str(&show(&m, m.capture(i, a, b)?));
    }
    Ok(out)
}

fn show(m: &Matcher, c: Capture) -> String {
    match c {
        Capture::Slice(a, b) => String::from_utf8_lossy(&m.src()[a..b]).into_owned(),
        Capture::Position(p) => (p + 1).to_string(),
    }
}

/// `string.match(s, p)`: the captures (or whole match) joined by spaces, or `nil`.
fn lmatch(s: &str, p: &str) -> Result<String, MatchError> {
    let (anchored, p) = split_anchor(p.as_bytes());
    let mut m = Matcher::new(s.as_bytes(), p);
    let Some((a, b)) = m.find(0, anchored)? else {
        return Ok("nil".into());
    };
    let caps: Result<Vec<String>, _> = (0..m.result_count(true))
        .map(|i| m.capture(i, a, b).map(|c| show(&m, c)))
        .collect();
    Ok(caps?.join(" "))
}

/// `string.gsub(s, p, repl[, n])` with a string replacement: `result count`.
fn gsub(s: &str, p: &str, repl: &str, max_n: usize) -> Result<String, MatchError> {
    let (anchored, p) = split_anchor(p.as_bytes());
    let mut m = Matcher::new(s.as_bytes(), p);
    let mut out = Vec::new();
    let n = m.gsub::<MatchError>(anchored, max_n, &mut out, |m, a, b, out| {
        m.expand_replacement(repl.as_bytes(), a, b, out)
    })?;
    Ok(format!("{} {}", String::from_utf8_lossy(&out), n))
}

/// `for ... in string.gmatch(s, p)`: each iteration's values joined by `,`, separated by `|`.
fn gmatch(s: &str, p: &str) -> Result<String, MatchError> {
    let mut m = Matcher::new(s.as_bytes(), p.as_bytes());
    let (mut pos, mut last) = (0, None);
    let mut items = Vec::new();
    while let Some((a, b)) = m.gmatch_next(&mut pos, &mut last)? {
        let caps: Result<Vec<String>, _> = (0..m.result_count(true))
            .map(|i| m.capture(i, a, b).map(|c| show(&m, c)))
            .collect();
        items.push(caps?.join(","));
    }
    Ok(items.join("|"))
}

fn perr(msg: &str) -> Result<String, MatchError> {
    Err(MatchError::Pattern(msg.to_string()))
}

fn ok(s: &str) -> Result<String, MatchError> {
    Ok(s.to_string())
}

#[test]
fn errors() {
    assert_eq!(find("a", "%"), perr("malformed pattern (ends with '%')"));
    assert_eq!(find("abc", "a%"), perr("malformed pattern (ends with '%')"));
    assert_eq!(find("bc", "x*%"), perr("malformed pattern (ends with '%')"));
    assert_eq!(find("bc", "a%"), ok("nil"));
    for p in ["[a", "[]", "[^]", "[%", "[%a", "[a-", "[^"] {
        assert_eq!(
            find("abc", p),
            perr("malformed pattern (missing ']')"),
            "{p}"
        );
    }
    assert_eq!(find("a", "%f"), perr("missing '[' after '%f' in pattern"));
    assert_eq!(find("a", "%fa"), perr("missing '[' after '%f' in pattern"));
    assert_eq!(find("aa", "(a)%2"), perr("invalid capture index %2"));
    assert_eq!(find("aa", "(a%1)"), perr("invalid capture index %1"));
    assert_eq!(find("aa", "%0"), perr("invalid capture index %0"));
    assert_eq!(find("aa", "(a"), perr("unfinished capture"));
    assert_eq!(lmatch("x", "(()"), perr("unfinished capture"));
    assert_eq!(lmatch("a", ")"), perr("invalid pattern capture"));
    assert_eq!(lmatch("a", "a)"), perr("invalid pattern capture"));
    assert_eq!(find("a", "a)"), ok("nil")); // no specials: a plain search
    assert_eq!(
        find("aa", "%b"),
        perr("malformed pattern (missing arguments to '%b')")
    );
    assert_eq!(
        find("aa", "%ba"),
        perr("malformed pattern (missing arguments to '%b')")
    );
    assert_eq!(find("a", &"()".repeat(33)), perr("too many captures"));
    assert_eq!(find("", &("()".repeat(32) + "b")), ok("nil"));
    assert_eq!(
        gsub("abc", "b", "%2", usize::MAX),
        perr("invalid capture index %2")
    );
    assert_eq!(
        gsub("abc", "(b)", "%2", usize::MAX),
        perr("invalid capture index %2")
    );
    assert_eq!(
        gsub("x", "(x)", "%0%1%2", usize::MAX),
        perr("invalid capture index %2")
    );
    assert_eq!(
        gsub("abc", "b", "%x", usize::MAX),
        perr("invalid use of '%' in replacement string")
    );
    assert_eq!(
        gsub("abc", "b", "%", usize::MAX),
        perr("invalid use of '%' in replacement string")
    );
}

#[test]
fn depth_limit() {
    let a300 = "a".repeat(300);
    assert_eq!(find(&a300, &"a?".repeat(199)), ok("1 199"));
    assert_eq!(find(&a300, &"a?".repeat(200)), perr("pattern too complex"));
    assert_eq!(find(&a300, &"a*".repeat(200)), ok("1 300"));
    assert_eq!(find(&a300, &"a-".repeat(199)), ok("1 0"));
    assert_eq!(find(&a300, &"a-".repeat(200)), perr("pattern too complex"));
    assert_eq!(find("", &("a*".repeat(200) + "b")), ok("nil"));
    let caps = "()".repeat(32);
    let want = format!("1 167{}", " 1".repeat(32));
    assert_eq!(find(&a300, &(caps.clone() + &"a?".repeat(167))), Ok(want));
    assert_eq!(
        find(&a300, &(caps + &"a?".repeat(168))),
        perr("pattern too complex")
    );
}

#[test]
fn fuel_stops_backtracking() {
    let s = "a".repeat(40);
    let p = "a*".repeat(30) + "b";
    let mut m = Matcher::new(s.as_bytes(), p.as_bytes());
    m.set_fuel(100_000);
    assert_eq!(m.find(0, false), Err(MatchError::OutOfFuel));
    assert_eq!(m.fuel(), 0);
    let mut m = Matcher::new(b"hello", b"l+");
    m.set_fuel(1000);
    assert_eq!(m.find(0, false), Ok(Some((2, 4))));
    assert!(m.fuel() < 1000);
}

#[test]
fn finding() {
    assert_eq!(find("a]", "[]]"), ok("2 2"));
    assert_eq!(find("a]", "[^]]"), ok("1 1"));
    assert_eq!(find("a-", "[a-]"), ok("1 1"));
    assert_eq!(find("b", "[%a-z]"), ok("1 1"));
    assert_eq!(find("-", "[%a-z]"), ok("1 1"));
    assert_eq!(find("THE (quick) fox", "%f[%a]%a+"), ok("1 3"));
    assert_eq!(find("x^a", "^a"), ok("nil"));
    assert_eq!(find("^a", "a^"), ok("nil"));
    // lua5.4 (5.4.4) still accepts the deprecated %z class: the NUL byte.
    assert_eq!(find("a\0z", "%z"), ok("2 2"));
    assert_eq!(find("aaab", "a-b"), ok("1 4"));
    assert_eq!(find("aaa", "a-$"), ok("1 3"));
    assert_eq!(find("a", "%g"), ok("1 1"));
    assert_eq!(find("abc", "%f[%W]"), ok("4 3"));
    assert_eq!(find_from("abc", "%f[%w]", 1), ok("nil"));
    assert_eq!(find("abc", "[a-]"), ok("1 1"));
    assert_eq!(find("]", "[]]"), ok("1 1"));
    assert_eq!(find("b", "[b-a]"), ok("nil"));
    assert_eq!(find("a", "[]-a]"), ok("1 1"));
    assert_eq!(find("\u{7f}", "[\u{1}-\u{7f}]"), ok("1 1"));
    assert_eq!(find("abc", "%bac"), ok("1 3"));
    assert_eq!(find("a(b(c)d", "%b()"), ok("4 6"));
    assert_eq!(find("(b(c)d)", "%b()"), ok("1 7"));
    assert_eq!(find("x", "%bxx"), ok("nil"));
    assert_eq!(find("xx", "%bxx"), ok("1 2"));
    assert_eq!(find("abc", "$"), ok("4 3"));
    assert_eq!(find("abc", "c$"), ok("3 3"));
    assert_eq!(find("ab$c", "b$c"), ok("2 4"));
    assert_eq!(find_from("abc", "", 3), ok("4 3"));
    assert_eq!(find("a+b", "+"), ok("2 2"));
    assert_eq!(find("abc", "[b-]"), ok("2 2"));
    assert_eq!(
        find("a", &("(".repeat(32) + "a" + &")".repeat(32))),
        Ok(format!("1 1{}", " a".repeat(32)))
    );
}

#[test]
fn matching() {
    assert_eq!(lmatch("key = value", "(%w+)%s*=%s*(%w+)"), ok("key value"));
    assert_eq!(lmatch("[[x]]", "%b[]"), ok("[[x]]"));
    assert_eq!(lmatch("  x", "()x()"), ok("3 4"));
    assert_eq!(lmatch("abc", "^(a)(b)$"), ok("nil"));
    assert_eq!(lmatch("aXb", "%u"), ok("X"));
    assert_eq!(lmatch("hello", "(h)(e)(l)%3"), ok("h e l"));
    assert_eq!(lmatch("2024-01-15", "(%d+)-(%d+)-(%d+)"), ok("2024 01 15"));
    assert_eq!(lmatch("  trim  ", "^%s*(.-)%s*$"), ok("trim"));
    assert_eq!(lmatch("f(a(b)c)d", "%b()"), ok("(a(b)c)"));
    assert_eq!(lmatch("THE (quick) fox", "%f[%l]%a+"), ok("quick"));
    assert_eq!(lmatch("x = 10", "()=()"), ok("3 4"));
    assert_eq!(lmatch("abcabc", "(abc)%1"), ok("abc"));
    assert_eq!(lmatch("\u{0}\u{1}", "%c+"), ok("\u{0}\u{1}"));
}

#[test]
fn gsub_and_gmatch() {
    let all = usize::MAX;
    assert_eq!(gsub("abc", "b", "%1", all), ok("abc 1"));
    assert_eq!(gsub("abc", "()b", "%1", all), ok("a2c 1"));
    assert_eq!(gsub("abc", "b", "%%%0%0", all), ok("a%bbc 1"));
    assert_eq!(gsub("abc", "(b", "x", all), ok("axc 1"));
    assert_eq!(gsub("abc", "", "-", all), ok("-a-b-c- 4"));
    assert_eq!(gsub("abc", "b*", "-", all), ok("-a-c- 3"));
    assert_eq!(gsub("abc", "%w", "%0%0", all), ok("aabbcc 3"));
    assert_eq!(gsub("hello world", "(o)", "[%1]", 1), ok("hell[o] world 1"));
    assert_eq!(gsub("abc", "^a", "x", all), ok("xbc 1"));
    assert_eq!(gsub("aaa", "^a", "x", all), ok("xaa 1"));
    assert_eq!(
        gsub("THE (quick) fox", "%f[%a]%a+", "W", all),
        ok("W (W) W 3")
    );
    assert_eq!(gsub("abc", "()", "%1", all), ok("1a2b3c4 4"));
    assert_eq!(gsub("abc", "a", "%1", 0), ok("abc 0"));
    assert_eq!(gmatch("^a^a", "^a"), ok("^a|^a"));
    assert_eq!(gmatch("abc", "()(.)"), ok("1,a|2,b|3,c"));
    assert_eq!(gmatch("abc", ""), ok("|||"));
}

#[test]
fn long_subject_is_linear() {
    let s = "x ".repeat(200_000);
    let mut m = Matcher::new(s.as_bytes(), b"%s+");
    m.set_fuel(10_000_000);
    let mut out = Vec::new();
    let n = m
        .gsub::<MatchError>(false, usize::MAX, &mut out, |_, _, _, _| Ok(()))
        .unwrap();
    assert_eq!(n, 200_000);
    assert_eq!(out.len(), 200_000);
}

#[test]
fn a_stop_check_ends_a_long_match_and_keeps_the_budget_exact() {
    let src = vec![b'a'; 5000];
    // Without a stop signal, the split budget counts exactly as one counter.
    let mut m = Matcher::new(&src, b"(a*)*b");
    m.set_fuel(300_000);
    let mut m2 = Matcher::new(&src, b"(a*)*b");
    m2.set_stop(Stop::default());
    m2.set_fuel(300_000);
    assert_eq!(m.find(0, false), m2.find(0, false));
    assert_eq!(m.fuel(), m2.fuel());
    // A raised flag stops it at the next look.
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let mut m3 = Matcher::new(&src, b".-.-.-b");
    m3.set_stop(Stop {
        flag: Some(&flag),
        deadline: None,
    });
    assert_eq!(m3.find(0, false), Err(MatchError::Stopped));
}

#[test]
fn a_first_items_byte_set_agrees_with_the_item() {
    // The set a search scans with holds exactly the bytes the item matches, for every kind of
    // single-byte item (compared over all 256 bytes with `single_match`).
    let items: &[&[u8]] = &[
        b".",
        b"%a",
        b"%A",
        b"%c",
        b"%d",
        b"%D",
        b"%g",
        b"%l",
        b"%p",
        b"%s",
        b"%S",
        b"%u",
        b"%w",
        b"%x",
        b"%z",
        b"%Z",
        b"%.",
        b"%]",
        b"x",
        b"[abc]",
        b"[^abc]",
        b"[a-f%d]",
        b"[^ \t\r\n]",
        b"[%c\"\\]",
        b"[]]",
        b"[^]]",
        b"[a-]",
        b"[-a]",
        b"[z-a]",
        b"[%a-z]",
        b"[%]]",
        b"[%%]",
        b"[\x80-\xff]",
        b"[^%W_]",
        b"[a%-z]",
    ];
    for item in items {
        let src: Vec<u8> = (0..=255).collect();
        let m = Matcher::new(&src, item);
        let ep = m.class_end(0).expect("a well-formed item");
        let set = m.item_set(ep);
        for c in 0..=255u8 {
            assert_eq!(
                set.contains(c),
                m.single_match(c as usize, 0, ep),
                "item {:?}, byte {c}",
                String::from_utf8_lossy(item)
            );
        }
    }
}

#[test]
fn searches_skip_to_the_first_byte_an_opening_set_accepts() {
    assert_eq!(find("   \t x = 1", "[^ \t\r\n]"), ok("6 6"));
    assert_eq!(find("abc\"def\\", "[%c\"\\]"), ok("4 4"));
    assert_eq!(find_from("ab1cd23", "%d+", 4), ok("6 7"));
    assert_eq!(find("abc", "[^%a]"), ok("nil"));
    assert_eq!(find("", "[%s]"), ok("nil"));
    assert_eq!(gsub("a\tb\nc", "[%c]", "_", usize::MAX), ok("a_b_c 2"));
}
