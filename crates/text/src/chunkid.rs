//! The short form of a chunk name used in error messages and tracebacks (manual §4.7 `load`'s
//! `chunkname`, §4.1.4 "Error handling"): `=name` is shown as given, `@file` as a file name
//! (keeping its end when long), anything else as `[string "first line..."]`. Sizes follow PUC
//! Lua's `LUA_IDSIZE` of 60 bytes (including C's terminating zero).

/// PUC's `LUA_IDSIZE`: the result has at most `ID_SIZE - 1` bytes.
const ID_SIZE: usize = 60;

/// Marks text cut from a chunk name.
const ELLIPSIS: &str = "...";

/// Returns the name of a chunk as messages show it (`chunkid.rs` module doc describes the forms).
pub fn chunk_id(source: &str) -> String {
    let bytes = source.as_bytes();
    let max = ID_SIZE - 1;
    match bytes.first() {
        Some(b'=') => lossy(&bytes[1..bytes.len().min(1 + max)]),
        Some(b'@') => {
            let name = &bytes[1..];
            if name.len() <= max {
                lossy(name)
            } else {
                let keep = max - ELLIPSIS.len();
                format!("{ELLIPSIS}{}", lossy(&name[name.len() - keep..]))
            }
        }
        _ => {
            const PRE: &str = "[string \"";
            const POS: &str = "\"]";
            // Room for the source text itself.
            let room = ID_SIZE - (PRE.len() + ELLIPSIS.len() + POS.len()) - 1;
            let newline = bytes.iter().position(|&b| b == b'\n');
            let mut out = String::with_capacity(ID_SIZE);
            out.push_str(PRE);
            if newline.is_none() && bytes.len() < room {
                out.push_str(&lossy(bytes));
            } else {
                let line_len = newline.unwrap_or(bytes.len()).min(room);
                out.push_str(&lossy(&bytes[..line_len]));
                out.push_str(ELLIPSIS);
            }
            out.push_str(POS);
            out
        }
    }
}

/// Bytes to text; a multi-byte character cut by truncation shows as U+FFFD.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::chunk_id;

    /// Expected strings are lua5.4's, from `load("x=", name)` error messages.
    #[test]
    fn chunk_ids_like_lua() {
        let a70 = format!("={}", "a".repeat(70));
        assert_eq!(chunk_id(&a70), "a".repeat(59));
        assert_eq!(chunk_id(&format!("@{}", "b".repeat(59))), "b".repeat(59));
        assert_eq!(
            chunk_id(&format!("@{}", "b".repeat(60))),
            format!("...{}", "b".repeat(56))
        );
        assert_eq!(
            chunk_id(&format!("@{}", "0123456789".repeat(7))),
            "...45678901234567890123456789012345678901234567890123456789"
        );
        assert_eq!(chunk_id("x="), "[string \"x=\"]");
        let c44 = "c".repeat(44);
        assert_eq!(chunk_id(&c44), format!("[string \"{c44}\"]"));
        let c45 = "c".repeat(45);
        assert_eq!(chunk_id(&c45), format!("[string \"{c45}...\"]"));
        assert_eq!(chunk_id(&"c".repeat(46)), format!("[string \"{c45}...\"]"));
        assert_eq!(chunk_id("abc\ndef"), "[string \"abc...\"]");
        assert_eq!(chunk_id(""), "[string \"\"]");
        let d44 = "d".repeat(44);
        assert_eq!(
            chunk_id(&format!("{d44}\n")),
            format!("[string \"{d44}...\"]")
        );
        assert_eq!(chunk_id("\nabc"), "[string \"...\"]");
        assert_eq!(chunk_id("=stdin"), "stdin");
        assert_eq!(chunk_id("@t.lua"), "t.lua");
    }
}
