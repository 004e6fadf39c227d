//! Lua 5.4 source text to syntax tree: the lexer (`lexer`), the parser (`parser`) and the tree
//! (`ast`). Knows nothing about bytecode or the VM.
#![forbid(unsafe_code)]

pub mod ast;
