//! Variable scopes as the parser sees them (manual §3.5, visibility rules), kept only to report
//! PUC Lua 5.4's two per-function limits where PUC reports them: `too many local variables
//! (limit is 200)` when the 201st local of a function is declared, and `too many upvalues
//! (limit is 255)` when a name use needs a 256th upvalue. PUC raises both while parsing, with
//! the token after the offending name as the `near` part, so the parser tracks them itself;
//! the compiler keeps its own checks as a backstop. The same scopes tell the parser which
//! names are read-only (`<const>` and `<close>` locals, directly or as upvalues), for PUC's
//! parse-time `attempt to assign to const variable 'x'`, and count and name the active locals
//! for the goto checks of `gotos.rs`.
//!
//! Invariants: `vars` holds the declared locals of every open function, outermost function
//! first; `funcs[i].first_var` is where function `i`'s locals start. Declared locals become
//! visible (`active`) only where the manual says (after the `local` statement's expression
//! list, at a `for` body, at a function body), but count towards the limit from declaration,
//! as in PUC. A `<const>` local never creates an upvalue here (PUC folds compile-time
//! constants instead of capturing them; treating every `<const>` so can only under-count,
//! which the compiler's check then catches).

/// PUC's `MAXVARS`: active locals per function.
pub const MAX_LOCALS: usize = 200;

/// PUC's `MAXUPVAL`: upvalues per function.
pub const MAX_UPVALS: usize = 255;

struct Var {
    name: String,
    /// Whether capturing it creates an upvalue (false for `<const>`).
    capturable: bool,
    /// Whether assigning to it is an error (`<const>` and `<close>`).
    readonly: bool,
    active: bool,
}

struct FuncScope {
    first_var: usize,
    /// Line where the function is defined (0 for the main chunk).
    line: u32,
    /// Upvalue names, each with whether it refers to a read-only local.
    upvals: Vec<(String, bool)>,
}

/// The scopes of the functions being parsed (see the module doc).
pub(crate) struct Scopes {
    vars: Vec<Var>,
    funcs: Vec<FuncScope>,
}

/// Where a name was found.
enum Found {
    Local {
        level: usize,
        capturable: bool,
        readonly: bool,
    },
    Upval {
        level: usize,
        readonly: bool,
    },
    Global,
}

impl Scopes {
    /// The main chunk's scope: no locals, `_ENV` as its one upvalue.
    pub(crate) fn new() -> Scopes {
        Scopes {
            vars: Vec::new(),
            funcs: vec![FuncScope {
                first_var: 0,
                line: 0,
                upvals: vec![("_ENV".to_string(), false)],
            }],
        }
    }

    /// Starts a nested function defined at `line`.
    pub(crate) fn open_func(&mut self, line: u32) {
        self.funcs.push(FuncScope {
            first_var: self.vars.len(),
            line,
            upvals: Vec::new(),
        });
    }

    /// Ends the innermost function, dropping its locals.
    pub(crate) fn close_func(&mut self) {
        if self.funcs.len() > 1 {
            if let Some(f) = self.funcs.pop() {
                self.vars.truncate(f.first_var);
            }
        }
    }

    /// The current number of declared locals (to restore at block end).
    pub(crate) fn mark(&self) -> usize {
        self.vars.len()
    }

    /// Drops the locals declared since `mark`.
    pub(crate) fn restore(&mut self, mark: usize) {
        self.vars.truncate(mark);
    }

    /// `in main function` / `in function at line N` for the innermost function.
    fn place(&self) -> String {
        match self.funcs.last() {
            Some(f) if f.line != 0 => format!("function at line {}", f.line),
            _ => "main function".to_string(),
        }
    }

    /// Declares a local of the innermost function, not yet visible. Errors with PUC's message
    /// (without position) past `MAX_LOCALS`.
    pub(crate) fn declare(&mut self, name: &str) -> Result<(), String> {
        let first = self.funcs.last().map_or(0, |f| f.first_var);
        if self.vars.len() - first >= MAX_LOCALS {
            return Err(format!(
                "too many local variables (limit is {MAX_LOCALS}) in {}",
                self.place()
            ));
        }
        self.vars.push(Var {
            name: name.to_string(),
            capturable: true,
            readonly: false,
            active: false,
        });
        Ok(())
    }

    /// Marks the most recently declared local as `<const>`.
    pub(crate) fn set_last_const(&mut self) {
        if let Some(v) = self.vars.last_mut() {
            v.capturable = false;
            v.readonly = true;
        }
    }

    /// Marks the most recently declared local as `<close>` (read-only but captured).
    pub(crate) fn set_last_close(&mut self) {
        if let Some(v) = self.vars.last_mut() {
            v.readonly = true;
        }
    }

    /// Whether `name`, used in the innermost function, is a read-only variable.
    pub(crate) fn is_readonly(&self, name: &str) -> bool {
        match self.find(name) {
            Found::Local { readonly, .. } | Found::Upval { readonly, .. } => readonly,
            Found::Global => false,
        }
    }

    /// The number of active locals of the innermost function (at a statement boundary every
    /// declared local is active).
    pub(crate) fn nactvar(&self) -> usize {
        let first = self.funcs.last().map_or(0, |f| f.first_var);
        self.vars.len().saturating_sub(first)
    }

    /// The name of local `i` of the innermost function.
    pub(crate) fn local_name(&self, i: usize) -> String {
        let first = self.funcs.last().map_or(0, |f| f.first_var);
        self.vars
            .get(first + i)
            .map_or_else(|| "?".to_string(), |v| v.name.clone())
    }

    /// Makes every declared local visible.
    pub(crate) fn activate(&mut self) {
        for v in self.vars.iter_mut().rev() {
            if v.active {
                break;
            }
            v.active = true;
        }
    }

    /// Records a use of variable `name` in the innermost function: a global use goes through
    /// `_ENV`; a local of an enclosing function becomes an upvalue of every function between.
    pub(crate) fn use_name(&mut self, name: &str) -> Result<(), String> {
        if let Found::Global = self.capture(name)? {
            self.capture("_ENV")?;
        }
        Ok(())
    }

    fn find(&self, name: &str) -> Found {
        for level in (0..self.funcs.len()).rev() {
            let f = &self.funcs[level];
            let end = self
                .funcs
                .get(level + 1)
                .map_or(self.vars.len(), |g| g.first_var);
            let vars = self.vars.get(f.first_var..end).unwrap_or(&[]);
            if let Some(v) = vars.iter().rev().find(|v| v.active && v.name == name) {
                return Found::Local {
                    level,
                    capturable: v.capturable,
                    readonly: v.readonly,
                };
            }
            if let Some((_, readonly)) = f.upvals.iter().find(|u| u.0 == name) {
                return Found::Upval {
                    level,
                    readonly: *readonly,
                };
            }
        }
        Found::Global
    }

    fn capture(&mut self, name: &str) -> Result<Found, String> {
        let found = self.find(name);
        let (from, readonly) = match found {
            Found::Local {
                capturable: false, ..
            }
            | Found::Global => return Ok(found),
            Found::Local {
                level, readonly, ..
            }
            | Found::Upval { level, readonly } => (level + 1, readonly),
        };
        for level in from..self.funcs.len() {
            let f = &mut self.funcs[level];
            if f.upvals.len() >= MAX_UPVALS {
                let line = f.line;
                let place = if line == 0 {
                    "main function".to_string()
                } else {
                    format!("function at line {line}")
                };
                return Err(format!(
                    "too many upvalues (limit is {MAX_UPVALS}) in {place}"
                ));
            }
            f.upvals.push((name.to_string(), readonly));
        }
        Ok(found)
    }
}
