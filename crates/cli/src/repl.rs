//! The interactive loop of `tape -i` (manual §7): reads lines with editing and history, runs each
//! as `return <line>` when that compiles (printing the values, as `lua5.4` does) or else as a
//! statement, continuing with `>> ` while the input is an incomplete statement.

use crate::luac_compat::Standalone;
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;
use std::io::Write;
use tape::Tape;

/// Where an incomplete chunk's syntax error points: it ends at `<eof>`.
fn is_incomplete(message: &str) -> bool {
    message.ends_with("<eof>")
}

/// Reads one line; `None` at end of input or on an unusable terminal.
fn read_line(ed: &mut Option<DefaultEditor>, prompt: &str) -> Option<String> {
    match ed {
        Some(ed) => match ed.readline(prompt) {
            Ok(line) => Some(line),
            Err(ReadlineError::Interrupted) => Some(String::new()),
            Err(_) => None,
        },
        None => {
            // Not a terminal: show the prompt and echo the line, as `lua5.4` (through
            // readline) does when its input is a pipe or a file.
            print!("{prompt}");
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            match std::io::stdin().read_line(&mut line) {
                Ok(0) | Err(_) => None,
                Ok(_) => {
                    let line = line.trim_end_matches(['\n', '\r']).to_string();
                    println!("{line}");
                    Some(line)
                }
            }
        }
    }
}

pub fn run(tape: &mut Tape) {
    use std::io::IsTerminal;
    let mut editor = if std::io::stdin().is_terminal() {
        DefaultEditor::new().ok()
    } else {
        None
    };
    loop {
        let prompt = tape
            .global_string("_PROMPT")
            .unwrap_or_else(|| "> ".to_string());
        let Some(first) = read_line(&mut editor, &prompt) else {
            break;
        };
        let first = match first.strip_prefix('=') {
            Some(rest) => format!("return {rest}"),
            None => first,
        };
        // An expression first: `return <line>`.
        let as_expr = format!("return {first}");
        let mut chunk = if Tape::compile(as_expr.as_bytes(), "=stdin").is_ok() {
            as_expr
        } else {
            first.clone()
        };
        loop {
            match Tape::compile(chunk.as_bytes(), "=stdin") {
                Err(e) if is_incomplete(e.message()) => {
                    let prompt2 = tape
                        .global_string("_PROMPT2")
                        .unwrap_or_else(|| ">> ".to_string());
                    match read_line(&mut editor, &prompt2) {
                        Some(more) => {
                            chunk.push('\n');
                            chunk.push_str(&more);
                        }
                        None => break,
                    }
                }
                _ => break,
            }
        }
        if let Some(ed) = editor.as_mut() {
            let _ = ed.add_history_entry(chunk.trim_start_matches("return ").to_string());
        }
        match tape.exec(chunk.as_bytes(), "=stdin", &[]) {
            Ok(values) if !values.is_empty() => {
                if let Err(e) = tape.print_values(&values) {
                    eprintln!("error calling 'print' ({})", e.message());
                }
            }
            Ok(_) => {}
            Err(e) => {
                // Like lua.c's REPL: no program name before the message.
                eprintln!("{}", e.message());
                if let Some(tb) = e.traceback() {
                    eprintln!("{tb}");
                }
            }
        }
        // A Ctrl-C that stopped the chunk is spent; the next one interrupts the next chunk.
        crate::clear_interrupt(tape);
        // As lua.c's prompt, which goes through C's `stdout`: what the chunk left in the
        // output buffer appears before the next prompt.
        tape.vm().flush_output();
        let _ = std::io::stdout().flush();
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incomplete_input_is_recognised() {
        assert!(is_incomplete("stdin:1: 'end' expected near <eof>"));
        assert!(!is_incomplete("stdin:1: unexpected symbol near '+'"));
    }
}
