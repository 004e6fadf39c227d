//! Time slicing: several untrusted scripts share one thread, each running a slice of fuel at a
//! time. A script that runs out of fuel is suspended, not failed, and resumes exactly where it
//! stopped; what it computes does not depend on how its run was sliced.
use tape::{Error, ErrorKind, Tape};

const SLICE: u64 = 5_000;

const SCRIPTS: [(&str, &str); 3] = [
    ("primes", "local n = 0 for i = 2, 20000 do local p = true for d = 2, math.floor(i ^ 0.5) do if i % d == 0 then p = false break end end if p then n = n + 1 end end return n"),
    ("fib", "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end return fib(20)"),
    ("words", "local t = {} for w in ('the quick brown fox jumps over the lazy dog '):rep(200):gmatch('%a+') do t[w] = (t[w] or 0) + 1 end return t.the"),
];

/// Runs every script to its end in round-robin slices; returns each one's name, result and
/// number of slices.
pub fn run_all() -> Result<Vec<(&'static str, i64, usize)>, Error> {
    let mut vms = Vec::new();
    for (name, _) in SCRIPTS {
        let lua = Tape::builder()
            .sandboxed()
            .fuel(SLICE)
            .pause_on_fuel(true)
            .build()?;
        vms.push((name, lua, None::<i64>, 0usize));
    }
    // Start each script; those that do not finish in their first slice are paused.
    for (i, (_, lua, done, slices)) in vms.iter_mut().enumerate() {
        *slices += 1;
        match lua.chunk(SCRIPTS[i].1).eval::<i64>() {
            Ok(v) => *done = Some(v),
            Err(e) if e.kind() == ErrorKind::Paused => {}
            Err(e) => return Err(e),
        }
    }
    // Then give every unfinished one another slice in turn.
    while vms.iter().any(|v| v.2.is_none()) {
        for (_, lua, done, slices) in vms.iter_mut().filter(|v| v.2.is_none()) {
            lua.add_fuel(SLICE);
            *slices += 1;
            match lua.resume::<i64>() {
                Ok(v) => *done = Some(v),
                Err(e) if e.kind() == ErrorKind::Paused => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(vms
        .into_iter()
        .map(|(name, _, done, slices)| (name, done.unwrap_or_default(), slices))
        .collect())
}

pub fn main() -> Result<(), Error> {
    for (name, result, slices) in run_all()? {
        println!("{name}: {result} ({slices} slices of {SLICE})");
    }
    Ok(())
}
