//! The `serde` feature: Rust values to Lua and back, the exact errors of bad conversions, and
//! the limits that keep guest data from deepening the host's recursion or blowing up its
//! memory (nesting depth, cycles, shared tables, the memory cap).

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use tape::{DeserializeOptions, ErrorKind, Function, LuaValue, SerializeOptions, Table, Tape};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
enum Shape {
    Dot,
    Circle { radius: f64 },
    Rect(f64, f64),
    Named(String),
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Unit;

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Meters(f64);

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Pair(i32, String);

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Everything {
    name: String,
    port: u16,
    ratio: f64,
    enabled: bool,
    initial: char,
    tags: Vec<String>,
    empty: Vec<i64>,
    grid: Vec<Vec<i64>>,
    limits: BTreeMap<String, u32>,
    by_id: HashMap<i64, String>,
    maybe: Option<i32>,
    missing: Option<i32>,
    holes: Vec<Option<i32>>,
    blob: ByteBuf,
    unit: (),
    marker: Unit,
    length: Meters,
    pair: Pair,
    tuple: (u8, String, bool),
    shapes: Vec<Shape>,
    big: i128,
}

fn everything() -> Everything {
    Everything {
        name: "edge".to_string(),
        port: 8080,
        ratio: 0.25,
        enabled: true,
        initial: 'é',
        tags: vec!["a".to_string(), "b".to_string()],
        empty: vec![],
        grid: vec![vec![1, 2], vec![], vec![3]],
        limits: BTreeMap::from([("cpu".to_string(), 2), ("mem".to_string(), 512)]),
        by_id: HashMap::from([(1, "one".to_string()), (-7, "minus seven".to_string())]),
        maybe: Some(5),
        missing: None,
        holes: vec![Some(1), None, Some(3), None],
        blob: ByteBuf::from(vec![0u8, 255, 10, 13]),
        unit: (),
        marker: Unit,
        length: Meters(1.5),
        pair: Pair(-3, "p".to_string()),
        tuple: (7, "t".to_string(), false),
        shapes: vec![
            Shape::Dot,
            Shape::Circle { radius: 2.0 },
            Shape::Rect(1.0, 3.0),
            Shape::Named("hex".to_string()),
        ],
        big: -(1i128 << 62),
    }
}

#[test]
fn a_struct_with_every_kind_of_field_round_trips() {
    let mut lua = Tape::new();
    let v = lua.to_value(&everything()).unwrap();
    let back: Everything = lua.from_value(&v).unwrap();
    assert_eq!(back, everything());
    // Also after the value has been through Lua (a table handed in and out of a function).
    let id: Function = lua.chunk("return function(x) return x end").eval().unwrap();
    let v: LuaValue = id.call(&mut lua, &v).unwrap();
    lua.collect_garbage();
    let back: Everything = lua.from_value(v).unwrap();
    assert_eq!(back, everything());
}

#[test]
fn the_guest_sees_plain_lua_values() {
    let mut lua = Tape::new();
    let v = lua.to_value(&everything()).unwrap();
    lua.set_global("null", LuaValue::NULL).unwrap();
    let mt = lua.array_metatable().unwrap();
    lua.set_global("array_mt", mt).unwrap();
    let f: Function = lua
        .chunk(
            r#"return function(c)
                local shapes = {}
                for i, s in ipairs(c.shapes) do
                    if type(s) == 'string' then shapes[i] = s
                    else local k, v = next(s) shapes[i] = k .. ':' .. type(v) end
                end
                return table.concat({
                    c.name, math.type(c.port), c.ratio, tostring(c.enabled), c.initial,
                    #c.tags, c.tags[2], #c.empty, tostring(getmetatable(c.empty) == array_mt),
                    #c.grid[1], c.limits.mem, c.by_id[-7], c.maybe, tostring(c.missing == null),
                    #c.holes, tostring(c.holes[2] == null), #c.blob, c.blob:byte(2),
                    tostring(c.unit == null), tostring(c.marker == null), c.length,
                    c.pair[1], c.pair[2], c.tuple[1], table.concat(shapes, ','),
                    c.shapes[2].Circle.radius, c.shapes[3].Rect[2], math.type(c.big), c.big,
                    tostring(getmetatable(c.limits)),
                }, ' ')
            end"#,
        )
        .eval()
        .unwrap();
    let s: String = f.call(&mut lua, v).unwrap();
    assert_eq!(
        s,
        "edge integer 0.25 true é 2 b 0 true 2 512 minus seven 5 true 4 true 4 255 true true \
         1.5 -3 p 7 Dot,Circle:table,Rect:table,Named:string 2.0 3.0 integer \
         -4611686018427387904 nil"
    );
}

#[test]
fn enums_are_externally_tagged_both_ways() {
    let mut lua = Tape::new();
    let shapes: Vec<Shape> = lua
        .chunk("return {'Dot', {Circle = {radius = 1}}, {Rect = {2, 3.5}}, {Named = 'x'}}")
        .eval::<LuaValue>()
        .and_then(|v| lua.from_value(v))
        .unwrap();
    assert_eq!(
        shapes,
        [
            Shape::Dot,
            Shape::Circle { radius: 1.0 },
            Shape::Rect(2.0, 3.5),
            Shape::Named("x".to_string())
        ]
    );
    let cases = [
        (
            "'Square'",
            "unknown variant `Square`, expected one of `Dot`, `Circle`, `Rect`, `Named`",
        ),
        (
            "{}",
            "expected enum (a string or a table with one key), got table with 0 keys",
        ),
        (
            "{Dot = 1, Rect = 2}",
            "expected enum (a string or a table with one key), got table with 2 keys",
        ),
        (
            "'Circle'",
            "expected a table for variant 'Circle', got a string",
        ),
        (
            "{Circle = {radius = 'big'}}",
            "Circle.radius: expected number, got string",
        ),
        (
            "{Rect = {1}}",
            "Rect: invalid length 1, expected tuple variant Shape::Rect with 2 elements",
        ),
        (
            "{Rect = {1, 2, 3}}",
            "Rect: expected 2 elements, got a sequence of 3",
        ),
        ("{Dot = true}", "Dot: expected nil, got boolean"),
        (
            "42",
            "expected enum (a string or a table with one key), got number",
        ),
        (
            "{[1] = 'Dot'}",
            "expected variant name (a string), got number",
        ),
    ];
    for (src, want) in cases {
        let v: LuaValue = lua.chunk(format!("return {src}")).eval().unwrap();
        let e = lua.from_value::<Shape>(v).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conversion, "{src}");
        assert_eq!(e.message(), want, "{src}");
    }
}

#[test]
fn none_and_unit_can_map_to_nil() {
    let mut lua = Tape::new();
    let opts = SerializeOptions::new()
        .none_to_null(false)
        .unit_to_null(false);
    let v = lua
        .to_value_with(&(Some(1), None::<i32>, (), Unit), opts)
        .unwrap();
    let f: Function = lua
        .chunk("return function(t) return #t, t[1], t[2], t[3], t[4] end")
        .eval()
        .unwrap();
    let got: (i64, i64, LuaValue, LuaValue, LuaValue) = f.call(&mut lua, &v).unwrap();
    assert_eq!(got, (1, 1, LuaValue::Nil, LuaValue::Nil, LuaValue::Nil));
    // A hole in a sequence does not come back: the keys are not 1..n any more.
    let v = lua
        .to_value_with(&vec![Some(1), None, Some(3)], opts)
        .unwrap();
    let e = lua.from_value::<Vec<Option<i32>>>(&v).unwrap_err();
    assert_eq!(
        e.message(),
        "expected sequence (keys 1..n), got table with key 3"
    );
    // With the default (NULL), it does.
    let v = lua.to_value(&vec![Some(1), None, Some(3)]).unwrap();
    let back: Vec<Option<i32>> = lua.from_value(&v).unwrap();
    assert_eq!(back, [Some(1), None, Some(3)]);
    // A struct field that is None is then absent.
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct S {
        a: Option<i32>,
        b: i32,
    }
    let v = lua.to_value_with(&S { a: None, b: 2 }, opts).unwrap();
    let keys: Function = lua
        .chunk("return function(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end")
        .eval()
        .unwrap();
    assert_eq!(keys.call::<i64>(&mut lua, &v).unwrap(), 1);
    assert_eq!(lua.from_value::<S>(&v).unwrap(), S { a: None, b: 2 });
}

#[test]
fn empty_sequences_stay_sequences_through_deserialize_any() {
    let mut lua = Tape::new();
    let v = lua.to_value(&Vec::<i32>::new()).unwrap();
    assert_eq!(lua.from_value::<serde_json::Value>(&v).unwrap(), json!([]));
    let v = lua.to_value(&BTreeMap::<String, i32>::new()).unwrap();
    assert_eq!(lua.from_value::<serde_json::Value>(&v).unwrap(), json!({}));
    let off = SerializeOptions::new().array_metatable(false);
    let v = lua.to_value_with(&Vec::<i32>::new(), off).unwrap();
    assert_eq!(lua.from_value::<serde_json::Value>(&v).unwrap(), json!({}));
    // A script marks its own empty arrays with the metatable.
    let mt = lua.array_metatable().unwrap();
    lua.set_global("array_mt", mt).unwrap();
    let v: LuaValue = lua
        .chunk("return {list = setmetatable({}, array_mt), map = {}, seq = {1, 2}}")
        .eval()
        .unwrap();
    assert_eq!(
        lua.from_value::<serde_json::Value>(&v).unwrap(),
        json!({"list": [], "map": {}, "seq": [1, 2]})
    );
}

#[test]
fn json_values_come_from_any_lua_data() {
    let mut lua = Tape::new();
    lua.set_global("null", LuaValue::NULL).unwrap();
    let v: LuaValue = lua
        .chunk(
            "return {name = 'x', list = {1, 2.5, 'three', true, null}, nested = {a = {b = {}}}, \
             [10] = 'ten', mixed = {1, 2, x = 3}}",
        )
        .eval()
        .unwrap();
    assert_eq!(
        lua.from_value::<serde_json::Value>(&v).unwrap(),
        json!({
            "10": "ten",
            "name": "x",
            "list": [1, 2.5, "three", true, null],
            "nested": {"a": {"b": {}}},
            "mixed": {"1": 1, "2": 2, "x": 3},
        })
    );
    // And back: JSON to Lua.
    let j = json!({"k": [1, {"z": null}], "f": 1.5});
    let v = lua.to_value(&j).unwrap();
    let f: Function = lua
        .chunk("return function(t) return #t.k, t.k[2].z == null, t.f end")
        .eval()
        .unwrap();
    assert_eq!(
        f.call::<(i64, bool, f64)>(&mut lua, &v).unwrap(),
        (2, true, 1.5)
    );
    assert_eq!(lua.from_value::<serde_json::Value>(&v).unwrap(), j);
    let v: LuaValue = lua.chunk("return {s = '\\xff'}").eval().unwrap();
    let e = lua.from_value::<serde_json::Value>(&v).unwrap_err();
    assert_eq!(
        e.message(),
        "s: invalid type: byte array, expected any valid JSON value"
    );
}

#[test]
fn numbers_convert_exactly_or_fail() {
    let mut lua = Tape::new();
    let e = lua.to_value(&u64::MAX).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    assert_eq!(
        e.message(),
        "integer 18446744073709551615 out of range for a Lua integer"
    );
    let e = lua.to_value(&(i128::MAX)).unwrap_err();
    assert_eq!(
        e.message(),
        "integer 170141183460469231731687303715884105727 out of range for a Lua integer"
    );
    let v = lua.to_value(&(i64::MAX as u64)).unwrap();
    assert_eq!(v, LuaValue::Integer(i64::MAX));
    assert_eq!(lua.to_value(&1.5f32).unwrap(), LuaValue::Number(1.5));

    let ok = |lua: &mut Tape, src: &str| -> LuaValue {
        lua.chunk(format!("return {src}")).eval().unwrap()
    };
    let v = ok(&mut lua, "2.0");
    assert_eq!(lua.from_value::<i32>(&v).unwrap(), 2);
    let v = ok(&mut lua, "3");
    assert_eq!(lua.from_value::<f64>(&v).unwrap(), 3.0);
    assert_eq!(lua.from_value::<f32>(&v).unwrap(), 3.0);
    let v = ok(&mut lua, "math.mininteger");
    assert_eq!(lua.from_value::<i64>(&v).unwrap(), i64::MIN);
    assert_eq!(lua.from_value::<i128>(&v).unwrap(), i64::MIN as i128);
    let cases: [(&str, Box<dyn Fn(&mut Tape, LuaValue) -> tape::Error>, &str); 8] = [
        (
            "300",
            Box::new(|l, v| l.from_value::<u8>(v).unwrap_err()),
            "integer 300 out of range for u8",
        ),
        (
            "-1",
            Box::new(|l, v| l.from_value::<u64>(v).unwrap_err()),
            "integer -1 out of range for u64",
        ),
        (
            "-1",
            Box::new(|l, v| l.from_value::<u128>(v).unwrap_err()),
            "integer -1 out of range for u128",
        ),
        (
            "1.5",
            Box::new(|l, v| l.from_value::<i32>(v).unwrap_err()),
            "number 1.5 has no integer representation",
        ),
        (
            "2^63",
            Box::new(|l, v| l.from_value::<i64>(v).unwrap_err()),
            "number 9.2233720368548e+18 has no integer representation",
        ),
        (
            "'5'",
            Box::new(|l, v| l.from_value::<i32>(v).unwrap_err()),
            "expected integer, got string",
        ),
        (
            "'5'",
            Box::new(|l, v| l.from_value::<f64>(v).unwrap_err()),
            "expected number, got string",
        ),
        (
            "1",
            Box::new(|l, v| l.from_value::<bool>(v).unwrap_err()),
            "expected boolean, got number",
        ),
    ];
    for (src, f, want) in cases {
        let v = ok(&mut lua, src);
        let e = f(&mut lua, v);
        assert_eq!(e.kind(), ErrorKind::Conversion, "{src}");
        assert_eq!(e.message(), want, "{src}");
    }
}

#[test]
fn strings_bytes_and_chars() {
    let mut lua = Tape::new();
    let v: LuaValue = lua.chunk("return 'caf\\xc3\\xa9\\xff'").eval().unwrap();
    let e = lua.from_value::<String>(&v).unwrap_err();
    assert_eq!(e.message(), "string is not valid UTF-8");
    let b: ByteBuf = lua.from_value(&v).unwrap();
    assert_eq!(b.as_ref(), b"caf\xc3\xa9\xff");
    let v: LuaValue = lua.chunk("return {1, 2, 255}").eval().unwrap();
    let b: ByteBuf = lua.from_value(&v).unwrap();
    assert_eq!(b.as_ref(), [1, 2, 255]);
    let v = lua.to_value(&ByteBuf::from(b"\0\x01".to_vec())).unwrap();
    let f: Function = lua
        .chunk("return function(s) return type(s), #s end")
        .eval()
        .unwrap();
    assert_eq!(
        f.call::<(String, i64)>(&mut lua, &v).unwrap(),
        ("string".to_string(), 2)
    );
    // A plain `Vec<u8>` is a sequence of numbers, as serde has it.
    let v = lua.to_value(&vec![1u8, 2]).unwrap();
    assert_eq!(
        f.call::<(String, i64)>(&mut lua, &v).unwrap(),
        ("table".to_string(), 2)
    );
    let v: LuaValue = lua.chunk("return 'ab'").eval().unwrap();
    let e = lua.from_value::<char>(&v).unwrap_err();
    assert_eq!(
        e.message(),
        "expected a single character, got a string of 2 characters"
    );
    let e = lua.from_value::<Vec<u8>>(&v).unwrap_err();
    assert_eq!(e.message(), "expected sequence, got string");
    let v: LuaValue = lua.chunk("return 12").eval().unwrap();
    let e = lua.from_value::<String>(&v).unwrap_err();
    assert_eq!(e.message(), "expected string, got number");
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct Server {
    host: String,
    port: u16,
    #[serde(default)]
    weight: u32,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Cluster {
    name: String,
    servers: Vec<Server>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

#[test]
fn errors_name_the_place_in_the_value() {
    let mut lua = Tape::new();
    let cases = [
        (
            "{name = 'c', servers = {{host = 'a', port = 1}, {host = 'b', port = '80'}}}",
            "servers[2].port: expected integer, got string",
        ),
        (
            "{name = 'c', servers = {{host = 'a', port = 70000}}}",
            "servers[1].port: integer 70000 out of range for u16",
        ),
        (
            "{name = 'c', servers = {{host = 'a'}}}",
            "servers[1]: missing field `port`",
        ),
        (
            "{name = 'c', servers = {{host = 'a', port = 1, wieght = 2}}}",
            "servers[1].wieght (key): unknown field `wieght`, expected one of `host`, `port`, `weight`",
        ),
        (
            "{name = 'c', servers = {}, labels = {['a b'] = 1}}",
            "labels[\"a b\"]: expected string, got number",
        ),
        (
            "{name = 'c', servers = {}, labels = {[true] = 'x'}}",
            "labels[true] (key): expected string, got boolean",
        ),
        (
            "{name = 'c', servers = {n = 1}}",
            "servers: expected sequence (keys 1..n), got table with key 'n'",
        ),
        (
            "{name = 'c', servers = 'none'}",
            "servers: expected sequence, got string",
        ),
        ("{servers = {}}", "missing field `name`"),
        (
            "'cluster'",
            "expected table, got string",
        ),
        ("{name = 'c', servers = {}, [1] = 'positional'}", ""),
    ];
    for (src, want) in cases {
        let v: LuaValue = lua.chunk(format!("return {src}")).eval().unwrap();
        match lua.from_value::<Cluster>(v) {
            Ok(c) => assert_eq!(want, "", "{src} gave {c:?}"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Conversion, "{src}");
                assert_eq!(e.message(), want, "{src}");
            }
        }
    }
}

#[test]
fn unsupported_values_are_errors_or_unit() {
    let mut lua = Tape::new();
    let v: LuaValue = lua
        .chunk("return {f = print, co = coroutine.create(print), n = 1}")
        .eval()
        .unwrap();
    let e = lua.from_value::<serde_json::Value>(&v).unwrap_err();
    assert_eq!(e.message(), "co: cannot deserialize a thread");
    let lenient = DeserializeOptions::new().deny_unsupported_types(false);
    let j: serde_json::Value = lua.from_value_with(&v, lenient).unwrap();
    assert_eq!(j, json!({"co": null, "f": null, "n": 1}));
    // A struct that ignores the field never looks at it.
    #[derive(Deserialize, Debug, PartialEq)]
    struct N {
        n: i32,
    }
    assert_eq!(lua.from_value::<N>(&v).unwrap(), N { n: 1 });
}

#[test]
fn keys_are_read_in_sorted_order() {
    /// Records the order a map's keys arrive in.
    struct Order(Vec<String>);
    impl<'de> Deserialize<'de> for Order {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Order, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Order;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a map")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut m: A,
                ) -> Result<Order, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, _)) =
                        m.next_entry::<serde_json::Value, serde::de::IgnoredAny>()?
                    {
                        out.push(k.to_string());
                    }
                    Ok(Order(out))
                }
            }
            d.deserialize_map(V)
        }
    }
    let mut lua = Tape::new();
    let v: LuaValue = lua
        .chunk("return {zeta = 1, alpha = 2, [3] = 3, [-1.5] = 4, [1] = 5, [true] = 6, [false] = 7, beta = 8}")
        .eval()
        .unwrap();
    let Order(keys) = lua.from_value(&v).unwrap();
    assert_eq!(
        keys,
        [
            "false",
            "true",
            "-1.5",
            "1",
            "3",
            "\"alpha\"",
            "\"beta\"",
            "\"zeta\""
        ]
    );
    // Unsorted, every key still comes, in `next` order.
    let unsorted = DeserializeOptions::new().sort_keys(false);
    let Order(mut keys) = lua.from_value_with(&v, unsorted).unwrap();
    keys.sort();
    assert_eq!(
        keys,
        [
            "\"alpha\"",
            "\"beta\"",
            "\"zeta\"",
            "-1.5",
            "1",
            "3",
            "false",
            "true"
        ]
    );
}

#[test]
fn maps_with_any_keys() {
    let mut lua = Tape::new();
    let m: BTreeMap<(i32, i32), String> =
        BTreeMap::from([((1, 2), "a".to_string()), ((0, 5), "b".to_string())]);
    let v = lua.to_value(&m).unwrap();
    assert_eq!(
        lua.from_value::<BTreeMap<(i32, i32), String>>(&v).unwrap(),
        m
    );
    let m: HashMap<Option<i32>, i32> = HashMap::from([(None, 1), (Some(2), 3)]);
    let v = lua.to_value(&m).unwrap();
    assert_eq!(lua.from_value::<HashMap<Option<i32>, i32>>(&v).unwrap(), m);
    let e = lua
        .to_value_with(&m, SerializeOptions::new().none_to_null(false))
        .unwrap_err();
    assert_eq!(
        e.message(),
        "a map key serialized to nil, which cannot be a table key"
    );
    // A NaN value is fine; a NaN key (from a custom Serialize) is refused.
    struct F;
    impl Serialize for F {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(1))?;
            m.serialize_entry(&f64::NAN, &1)?;
            m.end()
        }
    }
    let e = lua.to_value(&F).unwrap_err();
    assert_eq!(
        e.message(),
        "a map key serialized to NaN, which cannot be a table key"
    );
    // Number keys read as text where strings are wanted.
    let v: LuaValue = lua
        .chunk("return {[1] = 10, [2.5] = 20, x = 30}")
        .eval()
        .unwrap();
    assert_eq!(
        lua.from_value::<BTreeMap<String, i32>>(&v).unwrap(),
        BTreeMap::from([
            ("1".to_string(), 10),
            ("2.5".to_string(), 20),
            ("x".to_string(), 30)
        ])
    );
    let v: LuaValue = lua.chunk("return {[1] = 10, [5] = 20}").eval().unwrap();
    assert_eq!(
        lua.from_value::<BTreeMap<i64, i32>>(&v).unwrap(),
        BTreeMap::from([(1, 10), (5, 20)])
    );
}

#[test]
fn a_table_that_contains_itself_is_an_error() {
    let mut lua = Tape::new();
    let v: LuaValue = lua
        .chunk("local t = {a = {b = {}}} t.a.b.back = t return t")
        .eval()
        .unwrap();
    let e = lua.from_value::<serde_json::Value>(&v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    assert_eq!(
        e.message(),
        "a.b.back: recursive table (a table that contains itself)"
    );
    let v: LuaValue = lua.chunk("local t = {} t[1] = t return t").eval().unwrap();
    let e = lua.from_value::<Vec<serde_json::Value>>(&v).unwrap_err();
    assert_eq!(
        e.message(),
        "[1]: recursive table (a table that contains itself)"
    );
    // The same table twice, side by side, is not a cycle.
    let v: LuaValue = lua.chunk("local s = {1, 2} return {s, s}").eval().unwrap();
    assert_eq!(
        lua.from_value::<Vec<Vec<i32>>>(&v).unwrap(),
        [[1, 2], [1, 2]]
    );
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Node {
    next: Option<Box<Node>>,
}

#[test]
fn deep_nesting_stops_at_the_depth_limit() {
    let mut lua = Tape::new();
    let v: LuaValue = lua
        .chunk("local t = {} for i = 1, 100000 do t = {t} end return t")
        .eval()
        .unwrap();
    let e = lua.from_value::<serde_json::Value>(&v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    let want = format!(
        "{}: too deeply nested (more than 128 levels of tables)",
        "[1]".repeat(128)
    );
    assert_eq!(e.message(), want);
    let v: LuaValue = lua
        .chunk("local t = {} for i = 1, 100000 do t = {next = t} end return t")
        .eval()
        .unwrap();
    let e = lua.from_value::<Node>(&v).unwrap_err();
    let want = format!(
        "{}: too deeply nested (more than 128 levels of tables)",
        ["next"; 128].join(".")
    );
    assert_eq!(e.message(), want);
    let e = lua
        .from_value_with::<Node>(&v, DeserializeOptions::new().max_depth(3))
        .unwrap_err();
    assert_eq!(
        e.message(),
        "next.next.next: too deeply nested (more than 3 levels of tables)"
    );
    // Within the limit, fine.
    let v: LuaValue = lua
        .chunk("local t = {} for i = 1, 127 do t = {next = t} end return t")
        .eval()
        .unwrap();
    assert!(lua.from_value::<Node>(&v).is_ok());
}

#[test]
fn shared_tables_and_strings_cannot_blow_up_the_host() {
    let mut lua = Tape::new();
    // 2^60 paths through 61 small tables.
    let v: LuaValue = lua
        .chunk("local t = {} for i = 1, 60 do t = {t, t} end return t")
        .eval()
        .unwrap();
    let e = lua
        .from_value_with::<serde_json::Value>(&v, DeserializeOptions::new().max_size(Some(1 << 20)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conversion);
    assert!(
        e.message().ends_with(
            ": value too large to deserialize (over 1048576 bytes; tables and strings reached \
             through several paths count each time)"
        ),
        "{}",
        e.message()
    );
    let e = lua.from_value::<serde_json::Value>(&v).unwrap_err();
    assert!(
        e.message().contains("value too large to deserialize"),
        "{}",
        e.message()
    );
    // A 1 MiB string 1000 times.
    let v: LuaValue = lua
        .chunk("local s = string.rep('x', 1 << 20) local t = {} for i = 1, 1000 do t[i] = s end return t")
        .eval()
        .unwrap();
    let e = lua.from_value::<Vec<String>>(&v).unwrap_err();
    assert!(
        e.message().contains("value too large to deserialize"),
        "{}",
        e.message()
    );
    // What is not shared fits.
    let v: LuaValue = lua
        .chunk("local t = {} for i = 1, 1000 do t[i] = string.rep('x', 1000) .. i end return t")
        .eval()
        .unwrap();
    assert_eq!(lua.from_value::<Vec<String>>(&v).unwrap().len(), 1000);
    let v: LuaValue = lua
        .chunk("local t = {} for i = 1, 300000 do t[i] = i end return t")
        .eval()
        .unwrap();
    assert_eq!(lua.from_value::<Vec<i64>>(&v).unwrap().len(), 300_000);
    let j: serde_json::Value = lua.from_value(&v).unwrap();
    assert_eq!(j.as_array().map(Vec::len), Some(300_000));
    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Record {
        id: i64,
        status: String,
        name: String,
    }
    let v: LuaValue = lua
        .chunk(
            "local t = {} for i = 1, 50000 do \
             t[i] = {id = i, status = 'active', name = 'user' .. i} end return t",
        )
        .eval()
        .unwrap();
    assert_eq!(lua.from_value::<Vec<Record>>(&v).unwrap().len(), 50_000);
    let j: serde_json::Value = lua.from_value(&v).unwrap();
    assert_eq!(j[49_999]["name"], json!("user50000"));
}

#[test]
fn serializing_under_the_memory_cap() {
    let mut lua = Tape::builder().memory_limit(4 << 20).build().unwrap();
    let big = vec![7i64; 1_000_000];
    let e = lua.to_value(&big).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    assert_eq!(e.message(), "not enough memory");
    let nested = vec![vec!["some text".to_string(); 1000]; 1000];
    let e = lua.to_value(&nested).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    let e = lua.to_value(&"x".repeat(8 << 20)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Memory);
    // The state is still usable, and the garbage of the failed attempts is collected.
    lua.collect_garbage();
    let v = lua.to_value(&vec![1, 2, 3]).unwrap();
    let f: Function = lua
        .chunk("return function(t) return #t end")
        .eval()
        .unwrap();
    assert_eq!(f.call::<i64>(&mut lua, v).unwrap(), 3);
    assert!(
        lua.vm().memory_used() < 1 << 20,
        "{}",
        lua.vm().memory_used()
    );
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Mode {
    Fast,
    Safe { retries: u8 },
}

#[derive(Deserialize, Debug, PartialEq)]
struct AppConfig {
    title: String,
    workers: usize,
    mode: Mode,
    routes: BTreeMap<String, Vec<String>>,
    timeout: Option<f64>,
    #[serde(default)]
    debug: bool,
}

#[test]
fn a_script_builds_a_typed_config() {
    let mut lua = Tape::builder()
        .sandboxed()
        .memory_limit(8 << 20)
        .fuel(1_000_000)
        .build()
        .unwrap();
    let script = r#"
        local routes = {}
        for _, name in ipairs({'users', 'orders'}) do
            routes['/' .. name] = {'GET', name == 'orders' and 'POST' or nil}
        end
        return {
            title = ('svc'):upper(),
            workers = 2 * 4,
            mode = {safe = {retries = 3}},
            routes = routes,
        }
    "#;
    let t: Table = lua.chunk(script).set_name("=config").eval().unwrap();
    let cfg: AppConfig = lua.from_value(&t).unwrap();
    assert_eq!(
        cfg,
        AppConfig {
            title: "SVC".to_string(),
            workers: 8,
            mode: Mode::Safe { retries: 3 },
            routes: BTreeMap::from([
                (
                    "/orders".to_string(),
                    vec!["GET".to_string(), "POST".to_string()]
                ),
                ("/users".to_string(), vec!["GET".to_string()]),
            ]),
            timeout: None,
            debug: false,
        }
    );
}

#[test]
fn rust_functions_convert_with_their_ctx() {
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Point {
        x: i64,
        y: i64,
    }
    let mut lua = Tape::new();
    let mirror = lua
        .create_function(|lua, v: LuaValue| {
            let p: Point = lua.from_value(v)?;
            lua.to_value(&Point { x: p.y, y: p.x })
        })
        .unwrap();
    lua.set_global("mirror", mirror).unwrap();
    let (x, y): (i64, i64) = lua
        .chunk("local p = mirror({x = 1, y = 2}) return p.x, p.y")
        .eval()
        .unwrap();
    assert_eq!((x, y), (2, 1));
    let e = lua
        .chunk("return mirror({x = 'a', y = 2})")
        .set_name("=m")
        .exec()
        .unwrap_err();
    assert_eq!(e.message(), "m:1: x: expected integer, got string");
}

#[path = "../examples/serde_roundtrip.rs"]
mod serde_roundtrip_example;

#[test]
fn the_serde_example_runs() {
    serde_roundtrip_example::main().unwrap();
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(tag = "kind")]
enum Event {
    Click { x: i32, y: i32 },
    Key { code: String },
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(untagged)]
enum Port {
    Number(u16),
    Named(String),
    Range { from: u16, to: u16 },
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct WithExtra {
    id: i64,
    #[serde(flatten)]
    extra: BTreeMap<String, serde_json::Value>,
}

#[test]
fn tagged_untagged_and_flattened_types_go_through_deserialize_any() {
    let mut lua = Tape::new();
    let v: LuaValue = lua
        .chunk("return {{kind = 'Click', x = 1, y = 2}, {kind = 'Key', code = 'F1'}}")
        .eval()
        .unwrap();
    let events: Vec<Event> = lua.from_value(&v).unwrap();
    assert_eq!(
        events,
        [
            Event::Click { x: 1, y: 2 },
            Event::Key {
                code: "F1".to_string()
            }
        ]
    );
    let back = lua.to_value(&events).unwrap();
    assert_eq!(lua.from_value::<Vec<Event>>(back).unwrap(), events);
    let v: LuaValue = lua
        .chunk("return {80, 'http', {from = 8000, to = 8080}}")
        .eval()
        .unwrap();
    let ports: Vec<Port> = lua.from_value(&v).unwrap();
    assert_eq!(
        ports,
        [
            Port::Number(80),
            Port::Named("http".to_string()),
            Port::Range {
                from: 8000,
                to: 8080
            }
        ]
    );
    let v: LuaValue = lua.chunk("return {{kind = 'Scroll'}}").eval().unwrap();
    let e = lua.from_value::<Vec<Event>>(&v).unwrap_err();
    assert_eq!(
        e.message(),
        "[1].kind: unknown variant `Scroll`, expected `Click` or `Key`"
    );
    let v: LuaValue = lua
        .chunk("return {id = 7, color = 'red', size = {1, 2}}")
        .eval()
        .unwrap();
    let w: WithExtra = lua.from_value(&v).unwrap();
    assert_eq!(w.id, 7);
    assert_eq!(
        serde_json::to_value(&w.extra).unwrap(),
        json!({"color": "red", "size": [1, 2]})
    );
}
