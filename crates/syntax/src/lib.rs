//! Lua 5.4 source text to syntax tree: the lexer (`lexer`), the parser (`parser`) and the tree
//! (`ast`). Knows nothing about bytecode or the VM.
//!
//! Syntax errors read exactly as PUC Lua 5.4's: `<chunk id>:<line>: <message> near '<token>'`
//! (`near <eof>` at the end of input; no `near` part for errors such as `unknown attribute`),
//! where the line is the one the lexer has reached. Two messages have their own forms: input
//! nested deeper than PUC's C-level limit gives `C stack overflow` (exactly as PUC), and a tree
//! higher than `parser::MAX_DEPTH` gives `... chunk has too many syntax levels near '...'`.
#![forbid(unsafe_code)]

pub mod ast;
mod gotos;
pub mod lexer;
pub mod parser;
mod scope;

#[cfg(test)]
mod tests;

use std::fmt;

/// A syntax error: the complete message as Lua shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses a chunk: the whole source is the body of a vararg function with no parameters
/// (manual §3.3.2). `chunkname` is `load`'s chunk name (`=stdin`, `@file.lua`, or source text);
/// messages show it through `tape_text::chunkid::chunk_id`. A leading `#` line is not skipped.
pub fn parse(source: &[u8], chunkname: &str) -> Result<ast::FuncBody, SyntaxError> {
    let lexer = lexer::Lexer::new(source, tape_text::chunkid::chunk_id(chunkname));
    let mut parser = parser::Parser::new(lexer)?;
    parser.main_chunk()
}
