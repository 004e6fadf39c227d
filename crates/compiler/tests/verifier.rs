//! The verifier accepts the compiler's output and rejects hand-broken protos, naming the rule.

use std::sync::Arc;
use tape_bytecode::verify::verify;
use tape_bytecode::{Constant, Instr, Proto};

fn compile(src: &str) -> Proto {
    let ast = tape_syntax::parse(src.as_bytes(), "=v").expect("parse");
    let p = tape_compiler::compile(&ast, "=v").expect("compile");
    (*p).clone()
}

#[track_caller]
fn rejects(p: &Proto, needle: &str) {
    match verify(p) {
        Ok(()) => panic!("verifier accepted a broken proto (expected {:?})", needle),
        Err(e) => assert!(
            e.message.contains(needle),
            "message {:?} lacks {:?}",
            e.message,
            needle
        ),
    }
}

const PROGRAM: &str = "local t = {...}\nfor i, v in ipairs(t) do print(i .. v) end\nfor i = 1, 3 do t[i] = function() return i end end\nreturn t";

#[test]
fn accepts_compiler_output() {
    let p = compile(PROGRAM);
    assert_eq!(verify(&p), Ok(()));
}

#[test]
fn rejects_register_outside_frame() {
    let mut p = compile("local a = 1 return a");
    p.code[0] = Instr::LoadI {
        a: p.max_stack,
        i: 1,
    };
    rejects(&p, "outside the frame");
    let mut p = compile("local a = 1 return a");
    p.code[0] = Instr::LoadNil {
        a: 0,
        n: p.max_stack,
    };
    rejects(&p, "outside the frame");
}

#[test]
fn rejects_bad_constants() {
    let mut p = compile("x = 1");
    p.code[0] = Instr::LoadK { a: 0, k: 99 };
    rejects(&p, "constant 99 out of range");
    let mut p = compile("x = 1");
    p.consts.push(Constant::Int(5));
    let k = (p.consts.len() - 1) as u16;
    p.code.insert(0, Instr::GetField { a: 0, b: 0, k });
    p.lines.insert(0, 1);
    rejects(&p, "is not a string");
    let mut p = compile("local a = 1 return a + 1.5");
    p.consts[0] = Constant::Str(b"s".to_vec().into());
    rejects(&p, "is not a number");
}

#[test]
fn rejects_bad_indices() {
    let mut p = compile("x = 1");
    p.code[0] = Instr::GetUpval { a: 0, u: 3 };
    rejects(&p, "upvalue 3 out of range");
    let mut p = compile("local f = function() end");
    p.code[0] = Instr::Closure { a: 0, p: 7 };
    rejects(&p, "function 7 out of range");
}

#[test]
fn rejects_jumps_outside_code() {
    let mut p = compile("local a = ... if a then a = 1 end");
    let pc = p
        .code
        .iter()
        .position(|i| i.jump().is_some())
        .expect("a jump");
    p.code[pc].set_jump(1000);
    rejects(&p, "outside the code");
    let mut p = compile("local a = ... if a then a = 1 end");
    p.code[pc].set_jump(-(pc as i32) - 2);
    rejects(&p, "outside the code");
}

#[test]
fn rejects_top_misuse() {
    // A consumer of `top` with no producer right before it.
    let mut p = compile("print(...)");
    let pc = p
        .code
        .iter()
        .position(|i| matches!(i, Instr::VarArg { .. }))
        .expect("vararg");
    p.code[pc] = Instr::LoadNil { a: 1, n: 0 };
    rejects(&p, "uses 'top'");
}

#[test]
fn rejects_bad_structure() {
    let mut p = compile("x = 1");
    p.code.pop();
    p.lines.pop();
    rejects(&p, "does not end in a return");
    let mut p = compile("x = 1");
    p.lines.pop();
    rejects(&p, "lines for");
    let mut p = compile("x = 1");
    p.upvals.clear();
    rejects(&p, "exactly 1");
    let mut p = compile("local function f(...) return ... end");
    let mut child = (*p.protos[0]).clone();
    child.is_vararg = false;
    p.protos[0] = Arc::new(child);
    rejects(&p, "not vararg");
}

#[test]
fn rejects_broken_loops() {
    let mut p = compile(PROGRAM);
    let pc = p
        .code
        .iter()
        .position(|i| matches!(i, Instr::TForCall { .. }))
        .expect("tforcall");
    p.code.swap(pc, pc + 1);
    rejects(&p, "TFORCALL");
    let mut p = compile(PROGRAM);
    let pc = p
        .code
        .iter()
        .position(|i| matches!(i, Instr::ForPrep { .. }))
        .expect("forprep");
    p.code[pc].set_jump(1);
    rejects(&p, "FORLOOP");
}

#[test]
fn checks_nested_functions() {
    let mut p = compile(PROGRAM);
    let mut child = (*p.protos[0]).clone();
    child.code[0] = Instr::Move { a: 200, b: 0 };
    p.protos[0] = Arc::new(child);
    rejects(&p, "function at line 3");
    let mut p = compile(PROGRAM);
    let mut child = (*p.protos[0]).clone();
    child.upvals[0].index = 250;
    p.protos[0] = Arc::new(child);
    rejects(&p, "captures an invalid upvalue");
}
