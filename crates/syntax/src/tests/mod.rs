//! Unit tests of the lexer and the parser.
mod errors;
mod lexer;
mod trees;
