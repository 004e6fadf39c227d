//! Tape's compiler: a Lua 5.4 syntax tree (`tape_syntax::ast`) to register bytecode
//! (`tape_bytecode::Proto`), in one pass over the tree. Implements the semantics of manual §3
//! (statements, expressions, scoping, visibility) as PUC Lua 5.4 compiles them, including its
//! compile-time errors and their wording.
//!
//! Layout: `func` holds per-function state (code, constants, registers, locals, blocks, jump
//! lists); `expdesc` generates code for expression descriptors; `expr` and `stat` walk the tree;
//! `fold` folds numeric constants.
//!
//! Architecture invariant: the compiler never panics on any tree the parser can produce; every
//! limit (registers, locals, upvalues, nesting) is a `CompileError`. Its output is checked by
//! `tape_bytecode::verify` in debug builds.
#![forbid(unsafe_code)]

mod expdesc;
mod expr;
mod fold;
mod func;
mod stat;

use func::FuncState;
use std::fmt;
use std::sync::Arc;
use tape_bytecode::{Instr, Proto};
use tape_syntax::ast::FuncBody;

/// A compile error: the complete message as Lua shows it (`<chunk id>:<line>: <message>`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CompileError {}

/// Nesting depth of statements and expressions the compiler walks (the parser bounds the tree's
/// height below this; the check keeps the recursion bounded on its own).
const MAX_DEPTH: u32 = 1100;

/// The tree walker: a stack of functions under compilation (innermost last).
pub(crate) struct Compiler {
    funcs: Vec<FuncState>,
    chunkid: Arc<str>,
    source: Arc<str>,
    depth: u32,
}

impl Compiler {
    /// The innermost function being compiled.
    pub(crate) fn fs(&mut self) -> &mut FuncState {
        let n = self.funcs.len() - 1;
        &mut self.funcs[n]
    }

    /// Counts one level of recursion.
    pub(crate) fn enter_level(&mut self, line: u32) -> Result<(), CompileError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(self.fs().error(line, "chunk has too many syntax levels"));
        }
        Ok(())
    }

    /// Finishes the innermost function: final return, outermost block, proto. `body_end` is
    /// the line of the token closing the body (for goto errors); `ret_line` that of the final
    /// return: PUC's parser has read `end` (or, for a main chunk, the last token) then.
    pub(crate) fn close_func(
        &mut self,
        body_end: u32,
        ret_line: u32,
    ) -> Result<Arc<Proto>, CompileError> {
        let fs = self.fs();
        fs.line = ret_line;
        fs.emit(Instr::Return0 {});
        self.leave_block(body_end)?;
        let fs = self
            .funcs
            .pop()
            .expect("function stack is never empty here");
        let proto = fs.finish();
        #[cfg(debug_assertions)]
        if let Err(e) = tape_bytecode::verify::verify_function(&proto) {
            panic!(
                "compiler produced invalid bytecode: {}\n{}",
                e,
                tape_bytecode::listing::list(&proto)
            );
        }
        Ok(Arc::new(proto))
    }
}

/// Compiles a main chunk. The result is a vararg function with one upvalue, `_ENV`.
pub fn compile(chunk: &FuncBody, chunkname: &str) -> Result<Arc<Proto>, CompileError> {
    let chunkid: Arc<str> = tape_text::chunkid::chunk_id(chunkname).into();
    let source: Arc<str> = chunkname.into();
    let mut fs = FuncState::new(chunkid.clone(), source.clone(), 0);
    fs.is_vararg = true;
    fs.new_upval("_ENV", true, 0, false)?;
    let mut c = Compiler {
        funcs: vec![fs],
        chunkid,
        source,
        depth: 0,
    };
    c.enter_block(false);
    c.stat_list(&chunk.body, false)?;
    let proto = c.close_func(chunk.body.end_line, chunk.body.last_line)?;
    #[cfg(debug_assertions)]
    if let Err(e) = tape_bytecode::verify::verify(&proto) {
        panic!("compiler produced invalid bytecode: {}", e);
    }
    Ok(proto)
}
