//! `goto`, `break` and label checks made while parsing, where PUC Lua 5.4 makes them, so that a
//! chunk with both such an error and a later syntax error reports the one PUC reports (the
//! compiler resolves the jumps afterwards and keeps its own checks as a backstop).
//!
//! PUC's rules (manual §3.3.4), mirrored here: a `goto` to a visible label is a backward jump
//! and always fine; otherwise it waits in its block's pending list. When a block closes, its
//! pending gotos move to the enclosing block at the closing block's local count; a loop block
//! first resolves its pending `break`s. A label first checks that no visible label of the
//! function has its name (`label 'x' already defined on line N`), then resolves the pending
//! gotos of its block with that name, failing if one would enter the scope of a local
//! (`<goto x> at line N jumps into the scope of local 'y'`). A label followed only by the end of
//! its block (not `until`) sits outside the block's locals. When a function's outermost block
//! closes, a goto still pending is an error (`no visible label 'x' for <goto> at line N`,
//! `break outside loop at line N`).
//!
//! Local counts are the parser's (`Scope::nactvar`), which count the hidden `for` state
//! variables as PUC does, so "the local at index n" names the same variable.

/// A label or a pending goto: its name, line, and the function's active local count there.
struct Mark {
    name: String,
    line: u32,
    nactvar: usize,
}

struct Block {
    first_label: usize,
    first_goto: usize,
    nactvar: usize,
    is_loop: bool,
}

/// The labels, pending gotos and open blocks of one function.
#[derive(Default)]
struct Func {
    labels: Vec<Mark>,
    gotos: Vec<Mark>,
    blocks: Vec<Block>,
}

/// The goto/label state of every function being parsed, innermost last.
#[derive(Default)]
pub(crate) struct Gotos {
    funcs: Vec<Func>,
}

/// The name `break` is kept under (a reserved word, so it cannot clash with a user label).
const BREAK: &str = "break";

impl Gotos {
    /// Starts a function: its outermost block has no locals (parameters are declared in the
    /// body's block, which sits inside it at the same count).
    pub(crate) fn open_func(&mut self) {
        let mut f = Func::default();
        f.blocks.push(Block {
            first_label: 0,
            first_goto: 0,
            nactvar: 0,
            is_loop: false,
        });
        self.funcs.push(f);
    }

    /// Ends the innermost function: the message for its first unresolved goto, if any.
    pub(crate) fn close_func(&mut self) -> Result<(), String> {
        let Some(f) = self.funcs.pop() else {
            return Ok(());
        };
        match f.gotos.first() {
            Some(gt) if gt.name == BREAK => Err(format!("break outside loop at line {}", gt.line)),
            Some(gt) => Err(format!(
                "no visible label '{}' for <goto> at line {}",
                gt.name, gt.line
            )),
            None => Ok(()),
        }
    }

    /// Opens a block of the innermost function, with `nactvar` active locals at its start.
    pub(crate) fn enter_block(&mut self, nactvar: usize, is_loop: bool) {
        if let Some(f) = self.funcs.last_mut() {
            f.blocks.push(Block {
                first_label: f.labels.len(),
                first_goto: f.gotos.len(),
                nactvar,
                is_loop,
            });
        }
    }

    /// Closes the innermost block: resolves its `break`s if it is a loop, forgets its labels
    /// and moves its pending gotos out to the enclosing block.
    pub(crate) fn leave_block(&mut self) {
        let Some(f) = self.funcs.last_mut() else {
            return;
        };
        let Some(bl) = f.blocks.pop() else {
            return;
        };
        f.labels.truncate(bl.first_label);
        let mut i = bl.first_goto;
        while i < f.gotos.len() {
            if bl.is_loop && f.gotos[i].name == BREAK {
                f.gotos.remove(i);
            } else {
                f.gotos[i].nactvar = bl.nactvar;
                i += 1;
            }
        }
    }

    /// `goto name` at `line` with `nactvar` active locals (or `break` when `name` is "break").
    pub(crate) fn goto(&mut self, name: &str, line: u32, nactvar: usize) {
        let Some(f) = self.funcs.last_mut() else {
            return;
        };
        if name != BREAK && f.labels.iter().any(|l| l.name == name) {
            return; // A backward jump, resolved at once.
        }
        f.gotos.push(Mark {
            name: name.to_string(),
            line,
            nactvar,
        });
    }

    /// `::name::` declared at `line`, with `nactvar` active locals, `last` when only the end of
    /// its block follows. `local_name(i)` names the function's `i`th active local.
    pub(crate) fn label(
        &mut self,
        name: &str,
        line: u32,
        nactvar: usize,
        last: bool,
        local_name: impl Fn(usize) -> String,
    ) -> Result<(), String> {
        let Some(f) = self.funcs.last_mut() else {
            return Ok(());
        };
        if let Some(lb) = f.labels.iter().find(|l| l.name == name) {
            return Err(format!(
                "label '{}' already defined on line {}",
                name, lb.line
            ));
        }
        let (first_goto, bl_nactvar) = f
            .blocks
            .last()
            .map_or((0, 0), |b| (b.first_goto, b.nactvar));
        let nactvar = if last { bl_nactvar } else { nactvar };
        f.labels.push(Mark {
            name: name.to_string(),
            line,
            nactvar,
        });
        let mut i = first_goto;
        while i < f.gotos.len() {
            if f.gotos[i].name != name {
                i += 1;
                continue;
            }
            let gt = f.gotos.remove(i);
            if gt.nactvar < nactvar {
                return Err(format!(
                    "<goto {}> at line {} jumps into the scope of local '{}'",
                    gt.name,
                    gt.line,
                    local_name(gt.nactvar)
                ));
            }
        }
        Ok(())
    }
}
