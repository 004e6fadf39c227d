//! With the `serde` feature, a host reads a typed config from an untrusted script and hands a
//! Rust struct to a Lua function (`cargo run -p tape --example serde_roundtrip --features serde`).
use serde::{Deserialize, Serialize};
use tape::{Error, Function, LuaValue, Tape};

#[derive(Deserialize)]
struct Config {
    name: String,
    listen: Vec<Listener>,
    #[serde(default)]
    max_body: Option<u32>,
}

#[derive(Deserialize)]
struct Listener {
    port: u16,
    tls: bool,
}

#[derive(Serialize)]
struct Request<'a> {
    method: &'a str,
    path: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: Option<&'a str>,
}

pub fn main() -> Result<(), Error> {
    let mut lua = Tape::builder()
        .sandboxed()
        .memory_limit(8 << 20)
        .fuel(1_000_000)
        .build()?;
    lua.set_global("null", LuaValue::NULL)?;

    // The script computes its config; the host gets it typed and checked.
    let script = r#"
        local ports = {80, 443}
        local listen = {}
        for i, p in ipairs(ports) do listen[i] = {port = p, tls = p == 443} end
        config = {name = "edge", listen = listen}
        function handle(req)
            local n = 0
            for _, h in ipairs(req.headers) do n = n + 1 end
            local body = req.body == null and "no body" or #req.body .. " bytes"
            return req.method .. " " .. req.path .. " (" .. n .. " headers, " .. body .. ")"
        end
    "#;
    lua.chunk(script).set_name("=config").exec()?;
    let config: Config = lua
        .get_global::<LuaValue>("config")
        .and_then(|v| lua.from_value(v))?;
    let tls: Vec<u16> = config
        .listen
        .iter()
        .filter(|l| l.tls)
        .map(|l| l.port)
        .collect();
    println!(
        "{}: {} listeners, TLS on {tls:?}, max body {:?}",
        config.name,
        config.listen.len(),
        config.max_body
    );

    // A Rust struct goes to a Lua function as a table.
    let req = Request {
        method: "GET",
        path: "/index.html",
        headers: vec![("host", "example.org"), ("accept", "*/*")],
        body: None,
    };
    let handle: Function = lua.get_global("handle")?;
    let arg = lua.to_value(&req)?;
    let line: String = handle.call(&mut lua, arg)?;
    println!("{line}");

    // A config of the wrong shape is a conversion error that says where.
    lua.chunk("config.listen[2].port = 'https'").exec()?;
    let bad = lua
        .get_global::<LuaValue>("config")
        .and_then(|v| lua.from_value::<Config>(v));
    if let Err(e) = bad {
        println!("{:?}: {}", e.kind(), e.message());
    }
    Ok(())
}
