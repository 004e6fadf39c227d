//! Embed and call: load a script that defines functions, then call them from Rust with typed
//! arguments and results, and read a table the script built.
use std::collections::BTreeMap;
use tape::{Error, Function, Table, Tape};

const SCRIPT: &str = r#"
    function greet(name, times) return ("hello %s"):format(name):rep(times, ", ") end
    function stats(xs)
      local sum, max = 0, -math.huge
      for _, x in ipairs(xs) do sum = sum + x; max = math.max(max, x) end
      return sum / #xs, max
    end
    config = { width = 80, height = 24, title = "tape" }
"#;

/// Runs the script and the calls; returns what the host read back.
pub fn run() -> Result<(String, (f64, f64), BTreeMap<String, String>), Error> {
    let mut lua = Tape::new();
    lua.chunk(SCRIPT).set_name("=script").exec()?;
    let greet: Function = lua.get_global("greet")?;
    let hello: String = greet.call(&mut lua, ("world", 2))?;
    let stats: Function = lua.get_global("stats")?;
    let mean_max: (f64, f64) = stats.call(&mut lua, vec![3.0, 1.5, 7.5])?;
    let config: Table = lua.get_global("config")?;
    // Numbers read as strings here, as Lua's own coercion would make them.
    let fields = config
        .pairs::<String, String>(&mut lua)
        .collect::<Result<BTreeMap<_, _>, _>>()?;
    Ok((hello, mean_max, fields))
}

pub fn main() -> Result<(), Error> {
    let (hello, (mean, max), config) = run()?;
    println!("{hello}");
    println!("mean {mean}, max {max}");
    println!("config {config:?}");
    Ok(())
}
