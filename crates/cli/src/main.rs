//! `tape`: the command-line interpreter, compatible with PUC's `lua` command (manual §7):
//! `tape [options] [script [args]]` with `-e stat`, `-i`, `-l mod`, `-v`, `-E`, `-W`, `--` and `-`,
//! the `arg` table, an interactive REPL, and `--list FILE` to print a file's compiled bytecode.
#![forbid(unsafe_code)]

mod luac_compat;
mod repl;

use luac_compat::Standalone;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use tape::{Error, Tape};

const PROGNAME: &str = "tape";

/// What the command line asks for, in the order `lua.c` handles it.
struct Options {
    /// `-e`, `-l` and `-W` in command-line order.
    actions: Vec<Action>,
    interactive: bool,
    version: bool,
    ignore_env: bool,
    /// Index in argv of the script (or of `-`), if any.
    script: Option<usize>,
    /// `--sandbox`: only the sandbox libraries (`Tape::sandboxed`).
    sandbox: bool,
    /// `--memory-limit SIZE`: the guest heap cap in bytes.
    memory_limit: Option<usize>,
    /// `--fuel N`: the instruction budget.
    fuel: Option<u64>,
    /// `--timeout SECS`: wall-clock limit for everything the guest runs.
    timeout: Option<std::time::Duration>,
    /// `--trace`: print each instruction executed to stderr.
    trace: bool,
    /// `--trace-limit N`: stop tracing after N instructions (implies `--trace`).
    trace_limit: Option<u64>,
    /// `--gc-stress full|emergency|incremental|generational` (debugging the collector).
    gc_stress: Option<GcStress>,
    /// `--gc-stats`: print the collector's step-time distribution on exit.
    gc_stats: bool,
}

#[derive(Clone, Copy)]
enum GcStress {
    /// A full collection at every safe point.
    Full,
    /// Every allocation first fails and collects in an emergency.
    Emergency,
    /// A tiny incremental step at every safe point, the barrier invariant checked.
    Incremental,
    /// A minor collection every few hundred bytes, the generational invariant checked.
    Generational,
}

enum Action {
    Exec(String),
    Require(String),
    WarnOn,
}

fn usage(bad: &str) -> ExitCode {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{PROGNAME}: {bad}");
    let _ = write!(
        err,
        "usage: {PROGNAME} [options] [script [args]]\n\
         Available options are:\n  \
         -e stat   execute string 'stat'\n  \
         -i        enter interactive mode after executing 'script'\n  \
         -l mod    require library 'mod' into global 'mod'\n  \
         -l g=mod  require library 'mod' into global 'g'\n  \
         -v        show version information\n  \
         -E        ignore environment variables\n  \
         -W        turn warnings on\n  \
         --list f  print the compiled bytecode of file 'f' and exit\n  \
         --sandbox            open only the sandbox libraries (no files, processes, debug)\n  \
         --memory-limit SIZE  cap the guest heap (bytes, or with K, M, G)\n  \
         --fuel N             stop after N instructions' worth of work\n  \
         --timeout SECS       stop after SECS seconds of wall-clock time\n  \
         --trace              print each instruction executed to stderr\n  \
         --trace-limit N      trace only the first N instructions\n  \
         --gc-stats           print the collector's step times on exit (stderr)\n  \
         --gc-stress MODE     collect at every safe point (full), at every allocation\n  \
                              (emergency), step at every safe point (incremental),\n  \
                              or a minor collection every few hundred bytes (generational)\n  \
         --        stop handling options\n  \
         -         stop handling options and execute stdin\n"
    );
    ExitCode::FAILURE
}

/// Parses options the way `lua.c` does; `Err` carries the usage complaint.
fn parse_args(argv: &[String]) -> Result<Options, String> {
    let mut o = Options {
        actions: Vec::new(),
        interactive: false,
        version: false,
        ignore_env: false,
        script: None,
        sandbox: false,
        memory_limit: None,
        fuel: None,
        timeout: None,
        trace: false,
        trace_limit: None,
        gc_stress: None,
        gc_stats: false,
    };
    let mut i = 1;
    while i < argv.len() {
        let a = argv[i].as_str();
        if !a.starts_with('-') {
            o.script = Some(i);
            return Ok(o);
        }
        match a {
            "-" => {
                o.script = Some(i);
                return Ok(o);
            }
            "--" => {
                if i + 1 < argv.len() {
                    o.script = Some(i + 1);
                }
                return Ok(o);
            }
            "-i" => {
                o.interactive = true;
                o.version = true;
            }
            "-v" => o.version = true,
            "-E" => o.ignore_env = true,
            "-W" => o.actions.push(Action::WarnOn),
            "--sandbox" => o.sandbox = true,
            "--trace" => o.trace = true,
            "--gc-stats" => o.gc_stats = true,
            "--gc-stress" => {
                i += 1;
                o.gc_stress = Some(match argv.get(i).map(String::as_str) {
                    Some("full") => GcStress::Full,
                    Some("emergency") => GcStress::Emergency,
                    Some("incremental") => GcStress::Incremental,
                    Some("generational") => GcStress::Generational,
                    Some(v) => return Err(format!("bad value for '{a}': '{v}'")),
                    None => return Err(format!("'{a}' needs argument")),
                });
            }
            "--memory-limit" | "--fuel" | "--timeout" | "--trace-limit" => {
                i += 1;
                let v = argv.get(i).ok_or_else(|| format!("'{a}' needs argument"))?;
                let bad = || format!("bad value for '{a}': '{v}'");
                match a {
                    "--memory-limit" => o.memory_limit = Some(parse_size(v).ok_or_else(bad)?),
                    "--fuel" => o.fuel = Some(v.parse().map_err(|_| bad())?),
                    "--trace-limit" => {
                        o.trace = true;
                        o.trace_limit = Some(v.parse().map_err(|_| bad())?);
                    }
                    _ => {
                        let secs: f64 = v.parse().map_err(|_| bad())?;
                        if !(secs > 0.0 && secs < 1e9) {
                            return Err(bad());
                        }
                        o.timeout = Some(std::time::Duration::from_secs_f64(secs));
                    }
                }
            }
            _ if a.starts_with("-e") || a.starts_with("-l") => {
                let arg = if a.len() > 2 {
                    a[2..].to_string()
                } else {
                    i += 1;
                    match argv.get(i) {
                        Some(s) if !s.starts_with('-') => s.clone(),
                        _ => return Err(format!("'{a}' needs argument")),
                    }
                };
                o.actions.push(if a.starts_with("-e") {
                    Action::Exec(arg)
                } else {
                    Action::Require(arg)
                });
            }
            _ => return Err(format!("unrecognized option '{a}'")),
        }
        i += 1;
    }
    Ok(o)
}

/// A size such as `65536`, `64K`, `64M` or `2G` (powers of 1024).
fn parse_size(s: &str) -> Option<usize> {
    let (num, mul) = match s.char_indices().last()? {
        (i, 'k' | 'K') => (&s[..i], 1usize << 10),
        (i, 'm' | 'M') => (&s[..i], 1 << 20),
        (i, 'g' | 'G') => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    num.parse::<usize>().ok()?.checked_mul(mul)
}

/// Prints an error as `lua.c` does: `tape: message`, then the traceback if there is one.
fn report(err: &Error) {
    let mut e = std::io::stderr().lock();
    let _ = writeln!(e, "{PROGNAME}: {}", err.message());
    if let Some(tb) = err.traceback() {
        let _ = writeln!(e, "{tb}");
    }
    let _ = e.flush();
}

/// Builds the global `arg`: the script at 0, its arguments at 1.., the interpreter and options
/// before it at negative indices.
fn set_arg_table(tape: &mut Tape, argv: &[String], script: Option<usize>) {
    let zero = script.unwrap_or(0) as i64;
    let entries: Vec<(i64, &[u8])> = argv
        .iter()
        .enumerate()
        .map(|(i, s)| (i as i64 - zero, s.as_bytes()))
        .collect();
    tape.set_arg_table(&entries);
}

/// Ctrl-C: like `lua.c`, the running chunk stops with `interrupted!` and a traceback (the
/// VM sees the flag at its next backward jump or library check). A second Ctrl-C before the
/// first was handled ends the process, as lua.c's restored default action does.
fn install_interrupt(tape: &mut Tape) {
    let flag = tape.vm().interrupt_flag();
    tape.vm().set_interrupt_message("interrupted!");
    let _ = ctrlc::set_handler(move || {
        if flag.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}

/// Forgets a Ctrl-C once the chunk it stopped has ended.
pub(crate) fn clear_interrupt(tape: &mut Tape) {
    tape.vm()
        .interrupt_flag()
        .store(false, std::sync::atomic::Ordering::SeqCst);
}

/// `--gc-stats`: how many collector steps ran and how long they took (stderr).
fn print_gc_stats(mut steps: Vec<std::time::Duration>) {
    steps.sort();
    let at = |q: f64| {
        let i = ((steps.len() as f64 - 1.0) * q).round() as usize;
        steps.get(i).map_or(0.0, |d| d.as_secs_f64() * 1e6)
    };
    let total: f64 = steps.iter().map(|d| d.as_secs_f64() * 1e3).sum();
    eprintln!(
        "gc: {} steps, {total:.1} ms in all; step time us: median {:.0}, p90 {:.0}, p99 {:.0}, \
         p99.9 {:.0}, max {:.0}",
        steps.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(0.999),
        at(1.0)
    );
}

fn run_chunk(tape: &mut Tape, src: &[u8], chunkname: &str, args: &[&[u8]]) -> bool {
    let r = tape.exec(src, chunkname, args);
    clear_interrupt(tape);
    match r {
        Ok(_) => true,
        Err(e) => {
            report(&e);
            false
        }
    }
}

/// Reads a script file (or stdin for `-`), skipping a byte-order mark and a first line that
/// starts with `#` as `loadfile` does.
fn read_script(name: &str) -> Result<(Vec<u8>, String), String> {
    let (bytes, chunkname) = if name == "-" {
        let mut b = Vec::new();
        std::io::stdin()
            .read_to_end(&mut b)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        (b, "=stdin".to_string())
    } else {
        let b =
            std::fs::read(name).map_err(|e| format!("cannot open {name}: {}", io_reason(&e)))?;
        (b, format!("@{name}"))
    };
    let skipped = match tape::file_chunk_source(&bytes) {
        std::borrow::Cow::Borrowed(b) if b.len() == bytes.len() => None,
        other => Some(other.into_owned()),
    };
    Ok((skipped.unwrap_or(bytes), chunkname))
}

/// The C library's text for an I/O error, without Rust's " (os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn list_file(name: &str) -> ExitCode {
    let (src, chunkname) = match read_script(name) {
        Ok(x) => x,
        Err(msg) => {
            eprintln!("{PROGNAME}: {msg}");
            return ExitCode::FAILURE;
        }
    };
    match Tape::compile(&src, &chunkname) {
        Ok(proto) => {
            print!("{}", tape::listing(&proto));
            ExitCode::SUCCESS
        }
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("--list") {
        return match argv.get(2) {
            Some(f) => list_file(f),
            None => usage("'--list' needs argument"),
        };
    }
    let opts = match parse_args(&argv) {
        Ok(o) => o,
        Err(msg) => return usage(&msg),
    };
    let mut tape = if opts.sandbox {
        match Tape::sandboxed() {
            Ok(t) => t,
            Err(e) => {
                report(&e);
                return ExitCode::FAILURE;
            }
        }
    } else {
        Tape::new()
    };
    if let Err(e) = tape.use_standalone_message_handler() {
        report(&e);
        return ExitCode::FAILURE;
    }
    install_interrupt(&mut tape);
    // `lua.c` starts the collector in generational mode; scripts can observe it.
    tape.vm().gc_set_mode(true);
    if let Some(cap) = opts.memory_limit {
        tape.vm().set_memory_cap(cap);
    }
    if opts.fuel.is_some() {
        tape.vm().set_fuel(opts.fuel);
    }
    if let Some(limit) = opts.timeout {
        tape.vm()
            .set_deadline(Some(std::time::Instant::now() + limit));
    }
    set_arg_table(&mut tape, &argv, opts.script);
    if opts.trace {
        let sink: tape::TraceFn = Box::new(|line: &str| {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        });
        tape.vm().set_trace(Some(sink), opts.trace_limit);
    }
    match opts.gc_stress {
        Some(GcStress::Full) => tape.vm().set_gc_stress(true),
        Some(GcStress::Emergency) => tape.vm().set_emergency_stress(true),
        Some(GcStress::Incremental) => tape.vm().set_gc_incremental_stress(true),
        Some(GcStress::Generational) => tape.vm().set_gc_generational_stress(true),
        None => {}
    }
    if opts.gc_stats {
        tape.vm().gc_record_steps(true);
    }
    if opts.version {
        println!("{}", tape::VERSION_BANNER);
    }
    if !opts.ignore_env {
        let init = std::env::var("LUA_INIT_5_4").or_else(|_| std::env::var("LUA_INIT"));
        if let Ok(init) = init {
            let ok = if let Some(file) = init.strip_prefix('@') {
                match read_script(file) {
                    Ok((src, name)) => run_chunk(&mut tape, &src, &name, &[]),
                    Err(msg) => {
                        eprintln!("{PROGNAME}: {msg}");
                        false
                    }
                }
            } else {
                run_chunk(&mut tape, init.as_bytes(), "=LUA_INIT", &[])
            };
            if !ok {
                return ExitCode::FAILURE;
            }
        }
    }
    for action in &opts.actions {
        let ok = match action {
            Action::Exec(stat) => run_chunk(&mut tape, stat.as_bytes(), "=(command line)", &[]),
            Action::Require(spec) => {
                let (global, module) = spec.split_once('=').unwrap_or((spec, spec));
                match tape.require_into_global(global, module) {
                    Ok(()) => true,
                    Err(e) => {
                        report(&e);
                        false
                    }
                }
            }
            Action::WarnOn => {
                tape.set_warnings(true);
                true
            }
        };
        if !ok {
            return ExitCode::FAILURE;
        }
    }
    if let Some(idx) = opts.script {
        let name = &argv[idx];
        let (src, chunkname) = match read_script(name) {
            Ok(x) => x,
            Err(msg) => {
                eprintln!("{PROGNAME}: {msg}");
                return ExitCode::FAILURE;
            }
        };
        let args: Vec<&[u8]> = argv[idx + 1..].iter().map(|s| s.as_bytes()).collect();
        if !run_chunk(&mut tape, &src, &chunkname, &args) {
            return ExitCode::FAILURE;
        }
    }
    let no_work = opts.script.is_none() && opts.actions.iter().all(|a| matches!(a, Action::WarnOn));
    if opts.interactive {
        repl::run(&mut tape);
    } else if no_work && !opts.version {
        if std::io::stdin().is_terminal() {
            println!("{}", tape::VERSION_BANNER);
            repl::run(&mut tape);
        } else {
            let mut src = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut src) {
                eprintln!("{PROGNAME}: cannot read stdin: {e}");
                return ExitCode::FAILURE;
            }
            if !run_chunk(&mut tape, &src, "=stdin", &[]) {
                return ExitCode::FAILURE;
            }
        }
    }
    if opts.gc_stats {
        print_gc_stats(tape.vm().gc_record_steps(false));
        let (minor, major) = tape.vm().gc_generational_counts();
        eprintln!("gc: generational collections: {minor} minor, {major} major");
    }
    // `lua.c` ends with `lua_close`: finalizers of live objects run now (also on `Drop`).
    tape.vm().close();
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn options_stop_at_script() {
        let o = parse_args(&argv(&["tape", "-e", "x=1", "s.lua", "-v"])).unwrap();
        assert_eq!(o.script, Some(3));
        assert!(!o.version);
        assert!(matches!(&o.actions[0], Action::Exec(s) if s == "x=1"));
    }

    #[test]
    fn limit_options_are_parsed() {
        let o = parse_args(&argv(&[
            "tape",
            "--memory-limit",
            "64M",
            "--fuel",
            "1000",
            "--timeout",
            "1.5",
            "s.lua",
        ]))
        .unwrap();
        assert_eq!(o.memory_limit, Some(64 << 20));
        assert_eq!(o.fuel, Some(1000));
        assert_eq!(o.timeout, Some(std::time::Duration::from_millis(1500)));
        assert_eq!(o.script, Some(7));
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size("x"), None);
        assert_eq!(
            parse_args(&argv(&["tape", "--fuel", "lots"]))
                .err()
                .unwrap(),
            "bad value for '--fuel': 'lots'"
        );
        assert_eq!(
            parse_args(&argv(&["tape", "--timeout"])).err().unwrap(),
            "'--timeout' needs argument"
        );
    }

    #[test]
    fn bad_options_are_reported() {
        assert_eq!(
            parse_args(&argv(&["tape", "-x"])).err().unwrap(),
            "unrecognized option '-x'"
        );
        assert_eq!(
            parse_args(&argv(&["tape", "-e"])).err().unwrap(),
            "'-e' needs argument"
        );
        assert_eq!(
            parse_args(&argv(&["tape", "-l"])).err().unwrap(),
            "'-l' needs argument"
        );
    }

    #[test]
    fn dash_runs_stdin_and_double_dash_stops() {
        assert_eq!(
            parse_args(&argv(&["tape", "-", "a"])).unwrap().script,
            Some(1)
        );
        assert_eq!(
            parse_args(&argv(&["tape", "--", "-e"])).unwrap().script,
            Some(2)
        );
        assert_eq!(
            parse_args(&argv(&["tape", "-i"])).unwrap().interactive,
            true
        );
    }
}
