//! Lua patterns (manual §6.4.1) over byte strings, for `string.find`, `string.match`,
//! `string.gmatch` and `string.gsub` (manual §6.4): character classes, sets, the quantifiers
//! `* + - ?`, anchors, captures (including position captures `()`), back-references `%1`–`%9`,
//! `%b` and `%f`, with PUC Lua 5.4's error messages.
//!
//! The matcher is a backtracking matcher shaped like PUC's: a pattern item followed by `*`, `+`
//! or `-` is expanded in a loop (one scan for the longest run, then backtracking one byte at a
//! time), and recursion happens only where the pattern itself forces a choice point (`?`, `*`,
//! `+`, `-` when the item matched, and captures). Recursion is bounded by [`MAX_MATCH_DEPTH`]
//! nested calls, after which matching fails with `pattern too complex` exactly where PUC does, so
//! guest patterns cannot exhaust the Rust stack. Every step spends one unit of a caller-supplied
//! fuel counter ([`Matcher::set_fuel`]); running out stops the match with
//! [`MatchError::OutOfFuel`], so a pathological pattern can be stopped by the VM's budget.
//!
//! Positions are 0-based byte offsets throughout; the caller adds 1 for Lua.

/// Maximum number of captures in one pattern (PUC's `LUA_MAXCAPTURES`).
pub const MAX_CAPTURES: usize = 32;

/// Maximum nesting of the matcher's recursive calls (PUC's `MAXCCALLS`).
pub const MAX_MATCH_DEPTH: usize = 200;

/// Why a match stopped without an answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchError {
    /// A malformed pattern or replacement, with PUC's message (raised as a plain error).
    Pattern(String),
    /// The fuel given to [`Matcher::set_fuel`] ran out.
    OutOfFuel,
    /// The [`Stop`] check given to [`Matcher::set_stop`] said to stop.
    Stopped,
    /// The output grew past the room the caller allowed.
    OutOfMemory,
}

/// A way to stop a long match from outside: a flag another thread may set and a wall-clock
/// deadline, looked at every [`STOP_CHECK_STEPS`] steps.
/// Borrowed, so setting one up per library call costs nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stop<'a> {
    pub flag: Option<&'a std::sync::atomic::AtomicBool>,
    pub deadline: Option<std::time::Instant>,
}

impl Stop<'_> {
    fn now(&self) -> bool {
        self.flag
            .as_ref()
            .is_some_and(|f| f.load(std::sync::atomic::Ordering::Relaxed))
            || self
                .deadline
                .is_some_and(|d| std::time::Instant::now() >= d)
    }
}

/// Steps between two looks at the [`Stop`] check (well under a millisecond of matching).
pub const STOP_CHECK_STEPS: u64 = 1 << 16;

#[cold]
fn error<T>(msg: &str) -> Result<T, MatchError> {
    Err(MatchError::Pattern(msg.to_string()))
}

/// One capture after a successful match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// The substring `src[start..end]`.
    Slice(usize, usize),
    /// A position capture `()`: the byte offset (Lua shows `offset + 1`).
    Position(usize),
}

/// State of one capture slot while matching.
#[derive(Clone, Copy, Debug)]
enum CapLen {
    /// Opened by `(` and not yet closed by `)`.
    Unfinished,
    /// A position capture `()`.
    Position,
    Len(usize),
}

const UNFINISHED: (usize, CapLen) = (0, CapLen::Unfinished);

/// Captures kept inline in a matcher; a pattern with more puts the rest in a vector.
const INLINE_CAPTURES: usize = 4;

/// The capture stack of a match: `(start, length)` per level, the first `INLINE_CAPTURES`
/// inline, packed in two words (the length `OPEN` while unfinished, `POSITION` for `()`). A
/// full-size inline array (32 entries, 768 bytes) made every matcher cost 64 stores to create
/// (2% of json's time in `Matcher::new`); 64 bytes are four 16-byte stores of zeros. Levels at
/// or above the match's are never read, so their contents do not matter.
#[derive(Default)]
struct CapSlots {
    inline: [(usize, usize); INLINE_CAPTURES],
    more: Vec<(usize, usize)>,
}

const OPEN: usize = usize::MAX;
const POSITION: usize = usize::MAX - 1;

impl CapSlots {
    fn get(&self, l: usize) -> Option<(usize, CapLen)> {
        let &(start, len) = match self.inline.get(l) {
            Some(c) => c,
            None => self.more.get(l - INLINE_CAPTURES)?,
        };
        let len = match len {
            OPEN => CapLen::Unfinished,
            POSITION => CapLen::Position,
            n => CapLen::Len(n),
        };
        Some((start, len))
    }

    /// Sets level `l` (at most one past the levels set so far).
    fn set(&mut self, l: usize, (start, len): (usize, CapLen)) {
        let c = (
            start,
            match len {
                CapLen::Unfinished => OPEN,
                CapLen::Position => POSITION,
                // A length is at most a string's, far below the two markers.
                CapLen::Len(n) => n.min(POSITION - 1),
            },
        );
        if let Some(slot) = self.inline.get_mut(l) {
            *slot = c;
            return;
        }
        let i = l - INLINE_CAPTURES;
        while self.more.len() <= i {
            self.more.push((0, OPEN));
        }
        if let Some(slot) = self.more.get_mut(i) {
            *slot = c;
        }
    }
}

/// Escape byte of patterns.
const ESC: u8 = b'%';

/// Bytes that make a pattern more than a plain substring (PUC's `SPECIALS`).
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// True when `pat` contains a byte with a pattern meaning; without one, `string.find` may search
/// for it as a plain substring.
pub fn has_specials(pat: &[u8]) -> bool {
    pat.iter().any(|b| SPECIALS.contains(b))
}

/// Splits a leading `^` anchor off a pattern (for `find`, `match` and `gsub`; `gmatch` does not
/// treat `^` specially).
pub fn split_anchor(pat: &[u8]) -> (bool, &[u8]) {
    match pat.split_first() {
        Some((b'^', rest)) => (true, rest),
        _ => (false, pat),
    }
}

/// Plain substring search from `init`: the offset of the first occurrence of `needle`.
pub fn find_plain(hay: &[u8], needle: &[u8], init: usize) -> Option<usize> {
    let hay = hay.get(init..)?;
    let Some((&first, rest)) = needle.split_first() else {
        return Some(init);
    };
    if needle.len() > hay.len() {
        return None;
    }
    let last_start = hay.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        let off = hay[i..=last_start].iter().position(|&b| b == first)?;
        i += off;
        if hay[i + 1..i + needle.len()] == *rest {
            return Some(init + i);
        }
        i += 1;
    }
    None
}

/// Matches one pattern against one subject. Create one per library call (it is cheap: no
/// allocation) and reuse it for every position that call tries.
///
/// Invariant: `capture[..level]` are the open or closed captures of the match in progress (or of
/// the last successful match); `depth` counts the nested `do_match` calls now active.
pub struct Matcher<'a> {
    src: &'a [u8],
    pat: &'a [u8],
    level: usize,
    capture: CapSlots,
    depth: usize,
    /// Steps left before the next look at `stop` (all of them without one)...
    fuel: u64,
    /// ... and the rest of the budget beyond that.
    reserve: u64,
    stop: Option<Stop<'a>>,
    /// The byte every match must start with, when the pattern opens with a plain byte that is
    /// not optional (`a`, `a+`, but not `a*`); searches jump from one occurrence to the next.
    first_byte: Option<u8>,
    /// Otherwise, when the pattern opens with a single-byte class that is not optional (`.`,
    /// `%a`, `[...]`, with no `*`, `?` or `-` after it), the bytes that item accepts: a search
    /// looks each byte up and starts a match attempt only where the item accepts it. Worked
    /// out by the first search (an anchored match never needs it).
    first_set: FirstSet,
}

/// `Matcher::first_set`.
#[derive(Clone, Copy, Debug)]
enum FirstSet {
    NotYet,
    None,
    Set(ByteSet),
}

/// A set of bytes, one bit each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ByteSet([u64; 4]);

impl ByteSet {
    const EMPTY: ByteSet = ByteSet([0; 4]);

    #[inline]
    fn contains(&self, c: u8) -> bool {
        self.0[(c >> 6) as usize] >> (c & 63) & 1 != 0
    }

    const fn with(mut self, c: u8) -> ByteSet {
        self.0[(c >> 6) as usize] |= 1 << (c & 63);
        self
    }

    fn union(self, o: ByteSet) -> ByteSet {
        ByteSet([
            self.0[0] | o.0[0],
            self.0[1] | o.0[1],
            self.0[2] | o.0[2],
            self.0[3] | o.0[3],
        ])
    }

    fn complement(self) -> ByteSet {
        ByteSet([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }
}

/// The class letters with a meaning (lower case), in the order of their bits in [`CTYPE`].
const CLASS_LETTERS: &[u8; 11] = b"acdglpsuwxz";

/// Whether byte `c` is in the class of `CLASS_LETTERS[i]`, C locale (the definitions of
/// `match_class`'s letters).
const fn in_class(c: u8, i: usize) -> bool {
    match CLASS_LETTERS[i] {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => matches!(c, b' ' | b'\t'..=b'\r'),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        // Deprecated since 5.2 but still accepted by 5.4: the NUL byte.
        _ => c == 0,
    }
}

/// Each byte's classes: bit `i` for `CLASS_LETTERS[i]`.
static CTYPE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut c = 0;
    while c < 256 {
        let mut i = 0;
        while i < CLASS_LETTERS.len() {
            if in_class(c as u8, i) {
                t[c] |= 1 << i;
            }
            i += 1;
        }
        c += 1;
    }
    t
};

/// Each class's bytes, indexed as `CLASS_LETTERS`.
static CLASS_SETS: [ByteSet; 11] = {
    let mut sets = [ByteSet::EMPTY; 11];
    let mut i = 0;
    while i < CLASS_LETTERS.len() {
        let mut c = 0;
        while c < 256 {
            if in_class(c as u8, i) {
                sets[i] = sets[i].with(c as u8);
            }
            c += 1;
        }
        i += 1;
    }
    sets
};

/// The index in `CLASS_LETTERS` of a class letter (either case), if it is one.
#[inline]
fn class_index(cl: u8) -> Option<usize> {
    Some(match cl.to_ascii_lowercase() {
        b'a' => 0,
        b'c' => 1,
        b'd' => 2,
        b'g' => 3,
        b'l' => 4,
        b'p' => 5,
        b's' => 6,
        b'u' => 7,
        b'w' => 8,
        b'x' => 9,
        b'z' => 10,
        _ => return None,
    })
}

/// The bytes `%cl` matches.
fn class_set(cl: u8) -> ByteSet {
    match class_index(cl) {
        Some(i) if cl.is_ascii_uppercase() => CLASS_SETS[i].complement(),
        Some(i) => CLASS_SETS[i],
        None => ByteSet::EMPTY.with(cl),
    }
}

impl<'a> Matcher<'a> {
    /// A matcher of `pat` (anchor already split off where the caller wants one) over `src`,
    /// with unlimited fuel.
    pub fn new(src: &'a [u8], pat: &'a [u8]) -> Self {
        let mut m = Matcher {
            src,
            pat,
            level: 0,
            capture: CapSlots::default(),
            depth: 0,
            fuel: u64::MAX,
            reserve: 0,
            stop: None,
            first_byte: match pat {
                [c, rest @ ..]
                    if !SPECIALS.contains(c)
                        && *c != b')'
                        && !matches!(rest.first(), Some(b'*' | b'?' | b'-')) =>
                {
                    Some(*c)
                }
                _ => None,
            },
            first_set: FirstSet::NotYet,
        };
        if m.first_byte.is_some() {
            m.first_set = FirstSet::None;
        }
        m
    }

    /// The bytes the single-byte item `pat[0..ep]` accepts (`ep` from `class_end`).
    fn item_set(&self, ep: usize) -> ByteSet {
        let pat = self.pat;
        match pat.first() {
            Some(b'.') => ByteSet::EMPTY.complement(),
            Some(&ESC) => pat.get(1).map_or(ByteSet::EMPTY, |&cl| class_set(cl)),
            Some(b'[') => {
                // As `match_bracket_class` reads the set `pat[0..ep]`.
                let ec = ep - 1;
                let mut p = 1;
                let negate = pat.get(p) == Some(&b'^');
                if negate {
                    p += 1;
                }
                let mut set = ByteSet::EMPTY;
                while p < ec {
                    let (Some(&c), Some(&next)) = (pat.get(p), pat.get(p + 1)) else {
                        break;
                    };
                    if c == ESC {
                        set = set.union(class_set(next));
                        p += 2;
                    } else if next == b'-' && p + 2 < ec {
                        let hi = pat.get(p + 2).copied().unwrap_or(0);
                        for b in c..=hi {
                            set = set.with(b);
                        }
                        p += 3;
                    } else {
                        set = set.with(c);
                        p += 1;
                    }
                }
                if negate {
                    set.complement()
                } else {
                    set
                }
            }
            Some(&c) => ByteSet::EMPTY.with(c),
            None => ByteSet::EMPTY,
        }
    }

    /// The end of the pattern's first item when it is a single-byte class that must match one
    /// byte (see `first_set`); `None` for anything else, a malformed class included (whose
    /// error the first match attempt then raises, as before).
    fn single_first_item(&self) -> Option<usize> {
        match *self.pat.first()? {
            b'(' | b')' => return None,
            b'$' if self.pat.len() == 1 => return None,
            ESC => match self.pat.get(1) {
                None | Some(b'b' | b'f') => return None,
                Some(d) if d.is_ascii_digit() => return None,
                _ => {}
            },
            _ => {}
        }
        let ep = self.class_end(0).ok()?;
        match self.pat.get(ep) {
            Some(b'*' | b'?' | b'-') => None,
            _ => Some(ep),
        }
    }

    /// The first position at or after `s` where a match could start, if any. Skipping the others
    /// is invisible: a match attempt that fails on its first byte raises no error.
    ///
    /// With a `first_set`, a position whose byte the item refuses costs the one step the
    /// attempt there would have taken (its first), so fuel use and stop checks are unchanged.
    #[inline]
    fn next_candidate(&mut self, s: usize) -> Result<Option<usize>, MatchError> {
        if let Some(f) = self.first_byte {
            return Ok(self
                .src
                .get(s..)
                .and_then(|rest| rest.iter().position(|&b| b == f))
                .map(|i| s + i));
        }
        let set = match self.first_set {
            FirstSet::Set(set) => set,
            FirstSet::None => return Ok((s <= self.src.len()).then_some(s)),
            FirstSet::NotYet => {
                let Some(ep) = self.single_first_item() else {
                    self.first_set = FirstSet::None;
                    return Ok((s <= self.src.len()).then_some(s));
                };
                let set = self.item_set(ep);
                self.first_set = FirstSet::Set(set);
                set
            }
        };
        let rest = self.src.get(s..).unwrap_or_default();
        // The end of the subject refuses every item too: one more step.
        let (found, skipped) = match rest.iter().position(|&c| set.contains(c)) {
            Some(i) => (Some(s + i), i),
            None => (None, rest.len() + 1),
        };
        self.spend(skipped as u64)?;
        Ok(found)
    }

    /// Sets the number of steps the matcher may still take.
    pub fn set_fuel(&mut self, fuel: u64) {
        self.split_budget(fuel);
    }

    /// Steps left; the caller charges its own budget with the difference.
    pub fn fuel(&self) -> u64 {
        self.fuel.saturating_add(self.reserve)
    }

    /// Makes the matcher look at `stop` every [`STOP_CHECK_STEPS`] steps and end with
    /// [`MatchError::Stopped`] when it says so.
    pub fn set_stop(&mut self, stop: Stop<'a>) {
        self.stop = Some(stop);
        self.split_budget(self.fuel());
    }

    /// Keeps at most `STOP_CHECK_STEPS` of `total` in `fuel` when there is a stop check, so
    /// the per-step counter doubles as the countdown to the next check.
    fn split_budget(&mut self, total: u64) {
        let now = if self.stop.is_some() {
            total.min(STOP_CHECK_STEPS)
        } else {
            total
        };
        self.fuel = now;
        self.reserve = total - now;
    }

    /// The subject.
    pub fn src(&self) -> &'a [u8] {
        self.src
    }

    #[inline]
    fn spend(&mut self, n: u64) -> Result<(), MatchError> {
        match self.fuel.checked_sub(n) {
            Some(left) => {
                self.fuel = left;
                Ok(())
            }
            None => self.refill(n),
        }
    }

    /// The step counter ran out: out of fuel, or time to look at the stop check and go on.
    #[cold]
    fn refill(&mut self, n: u64) -> Result<(), MatchError> {
        let total = self.fuel();
        if total < n {
            self.fuel = 0;
            self.reserve = 0;
            return Err(MatchError::OutOfFuel);
        }
        if self.stop.as_ref().is_some_and(Stop::now) {
            return Err(MatchError::Stopped);
        }
        self.split_budget(total - n);
        Ok(())
    }

    /// Tries the whole pattern at `start` only; returns the end of the match.
    pub fn match_at(&mut self, start: usize) -> Result<Option<usize>, MatchError> {
        self.level = 0;
        self.depth = 0;
        if start > self.src.len() {
            return Ok(None);
        }
        self.do_match(start, 0)
    }

    /// Searches from `init` (at most `src.len()`), trying each position in turn unless
    /// `anchored`; returns the first match's start and end.
    pub fn find(
        &mut self,
        init: usize,
        anchored: bool,
    ) -> Result<Option<(usize, usize)>, MatchError> {
        if anchored {
            return Ok(self.match_at(init)?.map(|e| (init, e)));
        }
        // A single search mostly matches where it starts (a scanner's `find(s, "[^ ]", pos)`):
        // one attempt there costs less than working out the bytes the pattern can start with,
        // which only pays for itself over a longer scan.
        if init > self.src.len() {
            return Ok(None);
        }
        if let Some(e) = self.match_at(init)? {
            return Ok(Some((init, e)));
        }
        let mut s = init + 1;
        while let Some(c) = self.next_candidate(s)? {
            if let Some(e) = self.match_at(c)? {
                return Ok(Some((c, e)));
            }
            s = c + 1;
        }
        Ok(None)
    }

    /// One step of `gmatch`: the next match at or after `*pos` that does not end where the
    /// previous one did (`lastmatch`), updating both. The pattern is not anchored.
    pub fn gmatch_next(
        &mut self,
        pos: &mut usize,
        lastmatch: &mut Option<usize>,
    ) -> Result<Option<(usize, usize)>, MatchError> {
        let mut s = *pos;
        while let Some(c) = self.next_candidate(s)? {
            if let Some(e) = self.match_at(c)? {
                if Some(e) != *lastmatch {
                    *pos = e;
                    *lastmatch = Some(e);
                    return Ok(Some((c, e)));
                }
            }
            s = c + 1;
        }
        *pos = self.src.len() + 1;
        Ok(None)
    }

    /// Runs `gsub`'s loop: for each match (at most `max_n`), `on_match(self, start, end, out)`
    /// appends the replacement; bytes between matches are copied. Returns the number of matches.
    /// Besides what `on_match` appends, `out` grows by at most `src.len()` bytes, so `on_match`
    /// is the place to charge the memory budget.
    pub fn gsub<E: From<MatchError>>(
        &mut self,
        anchored: bool,
        max_n: usize,
        out: &mut Vec<u8>,
        mut on_match: impl FnMut(&Self, usize, usize, &mut Vec<u8>) -> Result<(), E>,
    ) -> Result<usize, E> {
        let src = self.src;
        let mut s = 0;
        let mut lastmatch = None;
        let mut n = 0;
        while n < max_n {
            if !anchored {
                let Some(c) = self.next_candidate(s)? else {
                    break;
                };
                out.extend_from_slice(&src[s..c]);
                s = c;
            }
            match self.match_at(s)? {
                Some(e) if Some(e) != lastmatch => {
                    n += 1;
                    on_match(self, s, e, out)?;
                    s = e;
                    lastmatch = Some(e);
                }
                _ => {
                    if let Some(&b) = src.get(s) {
                        out.push(b);
                        s += 1;
                    } else {
                        break;
                    }
                }
            }
            if anchored {
                break;
            }
        }
        out.extend_from_slice(src.get(s..).unwrap_or_default());
        Ok(n)
    }

    /// Number of captures of the last match.
    pub fn capture_count(&self) -> usize {
        self.level
    }

    /// How many values `find`/`match`/`gmatch` return for the last match: its captures, or the
    /// whole match when there are none and `whole_if_none`.
    pub fn result_count(&self, whole_if_none: bool) -> usize {
        if self.level == 0 && whole_if_none {
            1
        } else {
            self.level
        }
    }

    /// Capture `i` (0-based) of the last match `src[start..end]`; with no captures, capture 0
    /// is the whole match. Errors: `invalid capture index %N`, `unfinished capture`.
    pub fn capture(&self, i: usize, start: usize, end: usize) -> Result<Capture, MatchError> {
        if i >= self.level {
            if i != 0 {
                return Err(MatchError::Pattern(format!(
                    "invalid capture index %{}",
                    i + 1
                )));
            }
            return Ok(Capture::Slice(start, end));
        }
        let (init, len) = self.capture.get(i).unwrap_or(UNFINISHED);
        match len {
            CapLen::Unfinished => error("unfinished capture"),
            CapLen::Position => Ok(Capture::Position(init)),
            CapLen::Len(l) => Ok(Capture::Slice(init, init + l)),
        }
    }

    /// Appends `gsub`'s string replacement for the match `src[start..end]`: `%0` is the whole
    /// match, `%1`–`%9` captures (position captures as decimal numbers), `%%` a percent sign.
    pub fn expand_replacement(
        &self,
        repl: &[u8],
        start: usize,
        end: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), MatchError> {
        let mut i = 0;
        while i < repl.len() {
            let Some(off) = repl[i..].iter().position(|&b| b == ESC) else {
                out.extend_from_slice(&repl[i..]);
                break;
            };
            out.extend_from_slice(&repl[i..i + off]);
            i += off + 1;
            match repl.get(i) {
                Some(&ESC) => out.push(ESC),
                Some(&d) if d.is_ascii_digit() => {
                    let cap = if d == b'0' {
                        Capture::Slice(start, end)
                    } else {
                        self.capture((d - b'1') as usize, start, end)?
                    };
                    match cap {
                        Capture::Slice(a, b) => out.extend_from_slice(&self.src[a..b]),
                        Capture::Position(p) => {
                            out.extend_from_slice((p as u64 + 1).to_string().as_bytes())
                        }
                    }
                }
                _ => return error("invalid use of '%' in replacement string"),
            }
            i += 1;
        }
        Ok(())
    }

    /// End of the single-item class starting at `p` (one past it).
    fn class_end(&self, p: usize) -> Result<usize, MatchError> {
        let pat = self.pat;
        let c = pat[p];
        let mut p = p + 1;
        if c == ESC {
            if p >= pat.len() {
                return error("malformed pattern (ends with '%')");
            }
            return Ok(p + 1);
        }
        if c == b'[' {
            if pat.get(p) == Some(&b'^') {
                p += 1;
            }
            // The first byte of a set is taken literally, so `[]]` is a set of `]`.
            loop {
                if p >= pat.len() {
                    return error("malformed pattern (missing ']')");
                }
                let c = pat[p];
                p += 1;
                if c == ESC && p < pat.len() {
                    p += 1;
                }
                if pat.get(p) == Some(&b']') {
                    return Ok(p + 1);
                }
            }
        }
        Ok(p)
    }

    /// Does byte `c` match the set `pat[p..=ec]` (`p` at `[`, `ec` at the closing `]`)?
    fn match_bracket_class(&self, c: u8, p: usize, ec: usize) -> bool {
        let pat = self.pat;
        let mut p = p + 1;
        let mut sig = true;
        if pat[p] == b'^' {
            sig = false;
            p += 1;
        }
        // The first byte after `[` or `[^` is part of the set even when it is `]`.
        while p < ec {
            if pat[p] == ESC {
                p += 1;
                if match_class(c, pat[p]) {
                    return sig;
                }
                p += 1;
            } else if pat[p + 1] == b'-' && p + 2 < ec {
                if pat[p] <= c && c <= pat[p + 2] {
                    return sig;
                }
                p += 3;
            } else {
                if pat[p] == c {
                    return sig;
                }
                p += 1;
            }
        }
        !sig
    }

    /// Does the subject byte at `s` match the single item `pat[p..ep]`?
    #[inline]
    fn single_match(&self, s: usize, p: usize, ep: usize) -> bool {
        let Some(&c) = self.src.get(s) else {
            return false;
        };
        match self.pat[p] {
            b'.' => true,
            ESC => match_class(c, self.pat[p + 1]),
            b'[' => self.match_bracket_class(c, p, ep - 1),
            pc => pc == c,
        }
    }

    /// The recursive matcher: matches `pat[p..]` at `src[s..]`, returning the end of the match.
    fn do_match(&mut self, s: usize, p: usize) -> Result<Option<usize>, MatchError> {
        if self.depth >= MAX_MATCH_DEPTH {
            return error("pattern too complex");
        }
        self.depth += 1;
        let r = self.match_loop(s, p);
        self.depth -= 1;
        r
    }

    fn match_loop(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>, MatchError> {
        let pat = self.pat;
        loop {
            self.spend(1)?;
            let Some(&pc) = pat.get(p) else {
                return Ok(Some(s));
            };
            match pc {
                b'(' => {
                    return if pat.get(p + 1) == Some(&b')') {
                        self.start_capture(s, p + 2, CapLen::Position)
                    } else {
                        self.start_capture(s, p + 1, CapLen::Unfinished)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if p + 1 == pat.len() => {
                    return Ok((s == self.src.len()).then_some(s));
                }
                ESC if pat.get(p + 1) == Some(&b'b') => match self.match_balance(s, p + 2)? {
                    Some(e) => {
                        s = e;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                ESC if pat.get(p + 1) == Some(&b'f') => {
                    p += 2;
                    if pat.get(p) != Some(&b'[') {
                        return error("missing '[' after '%f' in pattern");
                    }
                    let ep = self.class_end(p)?;
                    let prev = if s == 0 { 0 } else { self.src[s - 1] };
                    let cur = self.src.get(s).copied().unwrap_or(0);
                    if !self.match_bracket_class(prev, p, ep - 1)
                        && self.match_bracket_class(cur, p, ep - 1)
                    {
                        p = ep;
                        continue;
                    }
                    return Ok(None);
                }
                ESC if pat.get(p + 1).is_some_and(|d| d.is_ascii_digit()) => {
                    match self.match_capture(s, pat[p + 1])? {
                        Some(e) => {
                            s = e;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {}
            }
            // A single item, possibly followed by a quantifier.
            let ep = self.class_end(p)?;
            let quant = pat.get(ep).copied();
            if !self.single_match(s, p, ep) {
                if matches!(quant, Some(b'*' | b'?' | b'-')) {
                    p = ep + 1;
                    continue;
                }
                return Ok(None);
            }
            match quant {
                Some(b'?') => {
                    if let Some(e) = self.do_match(s + 1, ep + 1)? {
                        return Ok(Some(e));
                    }
                    p = ep + 1;
                }
                Some(b'+') => return self.max_expand(s + 1, p, ep),
                Some(b'*') => return self.max_expand(s, p, ep),
                Some(b'-') => return self.min_expand(s, p, ep),
                _ => {
                    s += 1;
                    p = ep;
                }
            }
        }
    }

    /// Greedy repetition: the longest run of the item `pat[p..ep]` from `s`, then shorter ones.
    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, MatchError> {
        let mut i = 0;
        while self.single_match(s + i, p, ep) {
            i += 1;
        }
        self.spend(i as u64)?;
        loop {
            if let Some(e) = self.do_match(s + i, ep + 1)? {
                return Ok(Some(e));
            }
            if i == 0 {
                return Ok(None);
            }
            i -= 1;
        }
    }

    /// Lazy repetition: the shortest run of the item `pat[p..ep]` from `s` that lets the rest
    /// match.
    fn min_expand(
        &mut self,
        mut s: usize,
        p: usize,
        ep: usize,
    ) -> Result<Option<usize>, MatchError> {
        loop {
            if let Some(e) = self.do_match(s, ep + 1)? {
                return Ok(Some(e));
            }
            if self.single_match(s, p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        what: CapLen,
    ) -> Result<Option<usize>, MatchError> {
        if self.level >= MAX_CAPTURES {
            return error("too many captures");
        }
        self.capture.set(self.level, (s, what));
        self.level += 1;
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.level -= 1;
        }
        Ok(r)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, MatchError> {
        let Some(l) = (0..self.level)
            .rev()
            .find(|&l| matches!(self.capture.get(l), Some((_, CapLen::Unfinished))))
        else {
            return error("invalid pattern capture");
        };
        let start = self.capture.get(l).map_or(0, |c| c.0);
        self.capture.set(l, (start, CapLen::Len(s - start)));
        let r = self.do_match(s, p)?;
        if r.is_none() {
            self.capture.set(l, (start, CapLen::Unfinished));
        }
        Ok(r)
    }

    /// `%bxy` with `p` at `x`: a balanced run from `x` to the matching `y`.
    fn match_balance(&mut self, s: usize, p: usize) -> Result<Option<usize>, MatchError> {
        if p + 1 >= self.pat.len() {
            return error("malformed pattern (missing arguments to '%b')");
        }
        let (open, close) = (self.pat[p], self.pat[p + 1]);
        if self.src.get(s) != Some(&open) {
            return Ok(None);
        }
        let mut depth = 1usize;
        let mut i = s + 1;
        while let Some(&c) = self.src.get(i) {
            if c == close {
                depth -= 1;
                if depth == 0 {
                    self.spend((i - s) as u64)?;
                    return Ok(Some(i + 1));
                }
            } else if c == open {
                depth += 1;
            }
            i += 1;
        }
        self.spend((i - s) as u64)?;
        Ok(None)
    }

    /// Back-reference `%d`: the text of capture `d` again at `s`.
    fn match_capture(&mut self, s: usize, d: u8) -> Result<Option<usize>, MatchError> {
        let l = (d as usize).wrapping_sub(b'1' as usize);
        let (init, len) = match self.capture.get(l) {
            Some((init, len)) if l < self.level && !matches!(len, CapLen::Unfinished) => {
                (init, len)
            }
            _ => {
                return Err(MatchError::Pattern(format!(
                    "invalid capture index %{}",
                    d as i32 - b'0' as i32
                )))
            }
        };
        let CapLen::Len(len) = len else {
            return Ok(None);
        };
        self.spend(len as u64)?;
        let src = self.src;
        match src.get(s..s + len) {
            Some(text) if text == &src[init..init + len] => Ok(Some(s + len)),
            _ => Ok(None),
        }
    }
}

/// Does byte `c` belong to the class letter `cl` (`%a`, `%D`, …)? Other letters stand for
/// themselves (`%.` matches `.`). Classes are those of the C locale.
#[inline]
pub fn match_class(c: u8, cl: u8) -> bool {
    let Some(i) = class_index(cl) else {
        return cl == c;
    };
    let r = CTYPE[c as usize] >> i & 1 != 0;
    r != cl.is_ascii_uppercase()
}

#[cfg(test)]
#[path = "pattern_tests.rs"]
mod tests;
