//! The Lua 5.4 lexer (manual §3.1 "Lexical Conventions"): turns source bytes into tokens on
//! demand, one at a time, so that the current line number is always that of the end of the
//! token the parser is looking at (PUC Lua reports syntax errors at that line).
//!
//! Covered: names and reserved words, all operators (`// & | ~ << >> :: ...`), short strings
//! with every escape (`\a \b \f \n \r \t \v \\ \" \' \z \xXX \ddd \u{XXX}` up to 2^31), long
//! strings and comments of any level (first newline skipped), numerals (converted by
//! `tape_text::number::str_to_number`), and `\n`, `\r`, `\r\n`, `\n\r` each counted as one line.
//! Error messages are PUC's: `<chunk>:<line>: <msg> near '<text so far>'`.

use crate::SyntaxError;
use tape_text::number::{str_to_number, Number};

/// A token kind with its payload. Single-character tokens that are not part of a longer
/// operator (`+ - * ( ) { } [ ] ; , . < > = # ~` and any other byte) are `Char`.
#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Eof,
    Name(String),
    /// A string literal, escapes decoded.
    Str(Vec<u8>),
    Int(i64),
    Float(f64),
    And,
    Break,
    Do,
    Else,
    Elseif,
    End,
    False,
    For,
    Function,
    Goto,
    If,
    In,
    Local,
    Nil,
    Not,
    Or,
    Repeat,
    Return,
    Then,
    True,
    Until,
    While,
    /// `//`
    IDiv,
    /// `..`
    Concat,
    /// `...`
    Dots,
    /// `==`
    Eq,
    /// `>=`
    Ge,
    /// `<=`
    Le,
    /// `~=`
    Ne,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `::`
    DbColon,
    Char(u8),
}

/// A token and where it is. `line` is the line on which the token ends; `start..end` is its
/// byte range in the source (used to quote names and numerals in messages).
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
    pub start: usize,
    pub end: usize,
}

/// The reserved words (manual §3.1) and their tokens.
fn keyword(name: &[u8]) -> Option<Tok> {
    Some(match name {
        b"and" => Tok::And,
        b"break" => Tok::Break,
        b"do" => Tok::Do,
        b"else" => Tok::Else,
        b"elseif" => Tok::Elseif,
        b"end" => Tok::End,
        b"false" => Tok::False,
        b"for" => Tok::For,
        b"function" => Tok::Function,
        b"goto" => Tok::Goto,
        b"if" => Tok::If,
        b"in" => Tok::In,
        b"local" => Tok::Local,
        b"nil" => Tok::Nil,
        b"not" => Tok::Not,
        b"or" => Tok::Or,
        b"repeat" => Tok::Repeat,
        b"return" => Tok::Return,
        b"then" => Tok::Then,
        b"true" => Tok::True,
        b"until" => Tok::Until,
        b"while" => Tok::While,
        _ => return None,
    })
}

/// How a token kind is named in "X expected" messages: reserved words and operators quoted,
/// `<eof>`, `<name>`, `<string>`, `<integer>`, `<number>` not.
pub fn tok_name(tok: &Tok) -> String {
    let s = match tok {
        Tok::Eof => return "<eof>".into(),
        Tok::Name(_) => return "<name>".into(),
        Tok::Str(_) => return "<string>".into(),
        Tok::Int(_) => return "<integer>".into(),
        Tok::Float(_) => return "<number>".into(),
        Tok::Char(c) => {
            return if (0x20..0x7f).contains(c) {
                format!("'{}'", *c as char)
            } else {
                format!("'<\\{c}>'")
            }
        }
        Tok::And => "and",
        Tok::Break => "break",
        Tok::Do => "do",
        Tok::Else => "else",
        Tok::Elseif => "elseif",
        Tok::End => "end",
        Tok::False => "false",
        Tok::For => "for",
        Tok::Function => "function",
        Tok::Goto => "goto",
        Tok::If => "if",
        Tok::In => "in",
        Tok::Local => "local",
        Tok::Nil => "nil",
        Tok::Not => "not",
        Tok::Or => "or",
        Tok::Repeat => "repeat",
        Tok::Return => "return",
        Tok::Then => "then",
        Tok::True => "true",
        Tok::Until => "until",
        Tok::While => "while",
        Tok::IDiv => "//",
        Tok::Concat => "..",
        Tok::Dots => "...",
        Tok::Eq => "==",
        Tok::Ge => ">=",
        Tok::Le => "<=",
        Tok::Ne => "~=",
        Tok::Shl => "<<",
        Tok::Shr => ">>",
        Tok::DbColon => "::",
    };
    format!("'{s}'")
}

/// C's `isspace` (used by `\z` and between tokens).
fn is_space(b: u8) -> bool {
    tape_text::number::is_c_space(b)
}

/// Letters and `_` (PUC's `lislalpha`, ASCII only).
fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Letters, digits and `_`.
fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The lexer's state: the source, the read position and the current line.
///
/// Invariant: `pos <= src.len()`; `line` counts the line breaks before `pos`, plus one.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// The current line (1-based).
    pub line: u32,
    /// The chunk name as messages show it (`chunk_id`).
    pub chunk: String,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8], chunk: String) -> Self {
        Lexer {
            src,
            pos: 0,
            line: 1,
            chunk,
        }
    }

    /// The source bytes in `start..end`.
    pub fn slice(&self, start: usize, end: usize) -> &'a [u8] {
        self.src.get(start..end).unwrap_or(&[])
    }

    fn cur(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.pos + ahead).copied()
    }

    fn is_newline(&self) -> bool {
        matches!(self.cur(), Some(b'\n' | b'\r'))
    }

    /// Skips a line break (`\n`, `\r`, `\n\r` or `\r\n`) and counts it.
    fn newline(&mut self) {
        let first = self.cur();
        self.pos += 1;
        if self.is_newline() && self.cur() != first {
            self.pos += 1;
        }
        self.line = self.line.saturating_add(1);
    }

    /// An error at the current line. `near` is the text to quote (`None`: `<eof>`).
    #[cold]
    pub fn error(&self, msg: &str, near: Option<&[u8]>) -> SyntaxError {
        let near = match near {
            None => "<eof>".to_string(),
            Some(text) => {
                // PUC formats the text as a C string, so it ends at a zero byte.
                let text = text.split(|&b| b == 0).next().unwrap_or(&[]);
                format!("'{}'", String::from_utf8_lossy(text))
            }
        };
        SyntaxError {
            message: format!("{}:{}: {} near {}", self.chunk, self.line, msg, near),
        }
    }

    /// Reads the next token.
    pub fn next_token(&mut self) -> Result<Token, SyntaxError> {
        loop {
            let start = self.pos;
            let Some(c) = self.cur() else {
                return Ok(self.token(Tok::Eof, start));
            };
            let tok = match c {
                b'\n' | b'\r' => {
                    self.newline();
                    continue;
                }
                b' ' | b'\t' | 0x0b | 0x0c => {
                    self.pos += 1;
                    continue;
                }
                b'-' => {
                    if self.peek(1) != Some(b'-') {
                        self.pos += 1;
                        Tok::Char(b'-')
                    } else {
                        self.pos += 2;
                        self.comment()?;
                        continue;
                    }
                }
                b'[' => {
                    let level = self.open_bracket();
                    match level {
                        Some(level) => Tok::Str(self.long_string(level, true)?),
                        None if self.pos == start + 1 => Tok::Char(b'['),
                        None => {
                            let text = self.slice(start, self.pos);
                            return Err(self.error("invalid long string delimiter", Some(text)));
                        }
                    }
                }
                b'=' => self.one_or_two(b'=', Tok::Eq, b'='),
                b'<' => match self.peek(1) {
                    Some(b'=') => self.two(Tok::Le),
                    Some(b'<') => self.two(Tok::Shl),
                    _ => self.one(b'<'),
                },
                b'>' => match self.peek(1) {
                    Some(b'=') => self.two(Tok::Ge),
                    Some(b'>') => self.two(Tok::Shr),
                    _ => self.one(b'>'),
                },
                b'/' => self.one_or_two(b'/', Tok::IDiv, b'/'),
                b'~' => self.one_or_two(b'=', Tok::Ne, b'~'),
                b':' => self.one_or_two(b':', Tok::DbColon, b':'),
                b'"' | b'\'' => Tok::Str(self.short_string(c)?),
                b'.' => match (self.peek(1), self.peek(2)) {
                    (Some(b'.'), Some(b'.')) => {
                        self.pos += 3;
                        Tok::Dots
                    }
                    (Some(b'.'), _) => self.two(Tok::Concat),
                    (Some(d), _) if d.is_ascii_digit() => self.numeral()?,
                    _ => self.one(b'.'),
                },
                b'0'..=b'9' => self.numeral()?,
                c if is_alpha(c) => {
                    while self.cur().is_some_and(is_alnum) {
                        self.pos += 1;
                    }
                    let word = self.slice(start, self.pos);
                    keyword(word)
                        .unwrap_or_else(|| Tok::Name(String::from_utf8_lossy(word).into_owned()))
                }
                c => self.one(c),
            };
            return Ok(self.token(tok, start));
        }
    }

    fn token(&self, tok: Tok, start: usize) -> Token {
        Token {
            tok,
            line: self.line,
            start,
            end: self.pos,
        }
    }

    fn one(&mut self, c: u8) -> Tok {
        self.pos += 1;
        Tok::Char(c)
    }

    fn two(&mut self, tok: Tok) -> Tok {
        self.pos += 2;
        tok
    }

    /// `c second` is `long`, a lone `c` is `Char(c)`.
    fn one_or_two(&mut self, second: u8, long: Tok, c: u8) -> Tok {
        if self.peek(1) == Some(second) {
            self.two(long)
        } else {
            self.one(c)
        }
    }

    /// At `[`: consumes `[` and any `=`s. Returns the level if a second `[` follows (and
    /// consumes it too); otherwise `None`, leaving the position after the `=`s.
    fn open_bracket(&mut self) -> Option<usize> {
        self.pos += 1;
        let mut level = 0;
        while self.cur() == Some(b'=') {
            self.pos += 1;
            level += 1;
        }
        if self.cur() == Some(b'[') {
            self.pos += 1;
            Some(level)
        } else {
            None
        }
    }

    /// After `--`: a long comment `[==[ ... ]==]` or a comment to the end of the line.
    fn comment(&mut self) -> Result<(), SyntaxError> {
        if self.cur() == Some(b'[') {
            if let Some(level) = self.open_bracket() {
                self.long_string(level, false)?;
                return Ok(());
            }
        }
        while self.cur().is_some() && !self.is_newline() {
            self.pos += 1;
        }
        Ok(())
    }

    /// The body of a long string or comment whose opening bracket of `level` `=`s ended just
    /// before the position. The first line break right after the bracket is skipped, and every
    /// line break is stored as `\n`. Comments store nothing.
    fn long_string(&mut self, level: usize, keep: bool) -> Result<Vec<u8>, SyntaxError> {
        let start_line = self.line;
        let mut value = Vec::new();
        if self.is_newline() {
            self.newline();
        }
        loop {
            match self.cur() {
                None => {
                    let what = if keep { "string" } else { "comment" };
                    let msg = format!("unfinished long {what} (starting at line {start_line})");
                    return Err(self.error(&msg, None));
                }
                Some(b']') => {
                    let close_start = self.pos;
                    self.pos += 1;
                    let mut n = 0;
                    while self.cur() == Some(b'=') {
                        self.pos += 1;
                        n += 1;
                    }
                    if n == level && self.cur() == Some(b']') {
                        self.pos += 1;
                        return Ok(value);
                    }
                    if keep {
                        value.extend_from_slice(self.slice(close_start, self.pos));
                    }
                }
                Some(b'\n' | b'\r') => {
                    self.newline();
                    if keep {
                        value.push(b'\n');
                    }
                }
                Some(b) => {
                    self.pos += 1;
                    if keep {
                        value.push(b);
                    }
                }
            }
        }
    }

    /// A short string delimited by `delim`, escapes decoded (manual §3.1).
    fn short_string(&mut self, delim: u8) -> Result<Vec<u8>, SyntaxError> {
        self.pos += 1;
        let mut value = Vec::new();
        loop {
            match self.cur() {
                None => return Err(self.error("unfinished string", None)),
                Some(b'\n' | b'\r') => {
                    let text = quoted(delim, &value, b"");
                    return Err(self.error("unfinished string", Some(&text)));
                }
                Some(b) if b == delim => {
                    self.pos += 1;
                    return Ok(value);
                }
                Some(b'\\') => self.escape(delim, &mut value)?,
                Some(b) => {
                    self.pos += 1;
                    value.push(b);
                }
            }
        }
    }

    /// An escape sequence at `\`; appends its bytes to `value`.
    fn escape(&mut self, delim: u8, value: &mut Vec<u8>) -> Result<(), SyntaxError> {
        let esc_start = self.pos;
        self.pos += 1;
        let Some(c) = self.cur() else {
            // The string loop reports the unfinished string.
            return Ok(());
        };
        let simple = match c {
            b'a' => Some(0x07),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            b'v' => Some(0x0b),
            b'\\' | b'"' | b'\'' => Some(c),
            _ => None,
        };
        if let Some(b) = simple {
            self.pos += 1;
            value.push(b);
            return Ok(());
        }
        match c {
            b'\n' | b'\r' => {
                self.newline();
                value.push(b'\n');
            }
            b'x' => {
                self.pos += 1;
                let hi = self.hex_digit(delim, value, esc_start)?;
                let lo = self.hex_digit(delim, value, esc_start)?;
                value.push((hi * 16 + lo) as u8);
            }
            b'z' => {
                self.pos += 1;
                while let Some(b) = self.cur() {
                    if b == b'\n' || b == b'\r' {
                        self.newline();
                    } else if is_space(b) {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
            }
            b'u' => self.utf8_escape(delim, value, esc_start)?,
            b'0'..=b'9' => {
                let mut n: u32 = 0;
                let mut i = 0;
                while i < 3 {
                    match self.cur() {
                        Some(d) if d.is_ascii_digit() => {
                            n = n * 10 + u32::from(d - b'0');
                            self.pos += 1;
                        }
                        _ => break,
                    }
                    i += 1;
                }
                if n > 255 {
                    return Err(self.escape_error(
                        "decimal escape too large",
                        delim,
                        value,
                        esc_start,
                    ));
                }
                value.push(n as u8);
            }
            _ => return Err(self.escape_error("invalid escape sequence", delim, value, esc_start)),
        }
        Ok(())
    }

    /// One hexadecimal digit of an escape, or the error "hexadecimal digit expected".
    fn hex_digit(&mut self, delim: u8, value: &[u8], esc_start: usize) -> Result<u32, SyntaxError> {
        match self.cur().and_then(|b| (b as char).to_digit(16)) {
            Some(d) => {
                self.pos += 1;
                Ok(d)
            }
            None => Err(self.escape_error("hexadecimal digit expected", delim, value, esc_start)),
        }
    }

    /// `\u{XXX}` at `u`: a code point up to 2^31 - 1, stored as (extended) UTF-8.
    fn utf8_escape(
        &mut self,
        delim: u8,
        value: &mut Vec<u8>,
        esc_start: usize,
    ) -> Result<(), SyntaxError> {
        self.pos += 1;
        if self.cur() != Some(b'{') {
            return Err(self.escape_error("missing '{'", delim, value, esc_start));
        }
        self.pos += 1;
        let mut code = self.hex_digit(delim, value, esc_start)?;
        while let Some(d) = self.cur().and_then(|b| (b as char).to_digit(16)) {
            if code > (0x7FFF_FFFF >> 4) {
                return Err(self.escape_error("UTF-8 value too large", delim, value, esc_start));
            }
            code = (code << 4) + d;
            self.pos += 1;
        }
        if self.cur() != Some(b'}') {
            return Err(self.escape_error("missing '}'", delim, value, esc_start));
        }
        self.pos += 1;
        push_utf8(value, code);
        Ok(())
    }

    /// An error inside an escape: quotes the string so far, the escape as written so far and
    /// the offending character, as PUC does.
    #[cold]
    fn escape_error(&self, msg: &str, delim: u8, value: &[u8], esc_start: usize) -> SyntaxError {
        let end = if self.cur().is_some() {
            self.pos + 1
        } else {
            self.pos
        };
        let text = quoted(delim, value, self.slice(esc_start, end));
        self.error(msg, Some(&text))
    }

    /// A numeral: PUC reads digits, `.`, hex digits and exponent signs greedily (plus one
    /// touching letter), then converts the whole text or reports "malformed number".
    fn numeral(&mut self) -> Result<Tok, SyntaxError> {
        let start = self.pos;
        let mut exp_marks: [u8; 2] = [b'e', b'E'];
        // PUC looks for `0x` at the first digit, which follows the dot of `.0x...`.
        let first = usize::from(self.cur() == Some(b'.'));
        if self.peek(first) == Some(b'0') && matches!(self.peek(first + 1), Some(b'x' | b'X')) {
            self.pos += first + 2;
            exp_marks = [b'p', b'P'];
        }
        loop {
            match self.cur() {
                Some(b) if b == exp_marks[0] || b == exp_marks[1] => {
                    self.pos += 1;
                    if matches!(self.cur(), Some(b'+' | b'-')) {
                        self.pos += 1;
                    }
                }
                Some(b) if b.is_ascii_hexdigit() || b == b'.' => self.pos += 1,
                _ => break,
            }
        }
        if self.cur().is_some_and(is_alpha) {
            self.pos += 1;
        }
        let text = self.slice(start, self.pos);
        match str_to_number(text) {
            Some(Number::Int(i)) => Ok(Tok::Int(i)),
            Some(Number::Float(f)) => Ok(Tok::Float(f)),
            None => Err(self.error("malformed number", Some(text))),
        }
    }
}

/// `delim value tail`: a string token's text as PUC quotes it in messages.
fn quoted(delim: u8, value: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut text = Vec::with_capacity(value.len() + tail.len() + 1);
    text.push(delim);
    text.extend_from_slice(value);
    text.extend_from_slice(tail);
    text
}

/// Appends `code` (< 2^31) in UTF-8, using the original 5- and 6-byte forms above U+1FFFFF.
pub fn push_utf8(out: &mut Vec<u8>, code: u32) {
    if code < 0x80 {
        out.push(code as u8);
        return;
    }
    let mut buf = [0u8; 6];
    let mut n = 0; // continuation bytes, filled from the end
    let mut x = code;
    let mut first_max: u32 = 0x3f; // largest payload that fits in the first byte
    while x > first_max {
        buf[5 - n] = 0x80 | (x & 0x3f) as u8;
        n += 1;
        x >>= 6;
        first_max >>= 1;
    }
    let lead_mask = ((!first_max) << 1) as u8; // e.g. 0xc0 for two bytes
    buf[5 - n] = lead_mask | x as u8;
    out.extend_from_slice(&buf[5 - n..]);
}
