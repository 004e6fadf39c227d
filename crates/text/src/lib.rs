//! Byte-string algorithms shared by the lexer, the VM and the standard library, none of which
//! touch VM state: number <-> string conversion by Lua's rules (`number`), C-`printf`-style
//! formatting (`fmt`), Lua patterns (`pattern`), `string.pack` formats (`pack`), `os.date`
//! conversions (`strftime`), and chunk names for messages (`chunkid`).
#![forbid(unsafe_code)]

pub mod chunkid;
pub mod fmt;
pub mod number;
pub mod pack;
pub mod pattern;
pub mod strftime;
pub mod utf8;
