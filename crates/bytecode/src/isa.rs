//! Tape's instruction set: one table, from which the `Instr` enum, mnemonics, operand lists and
//! one-line descriptions are generated (so nothing is kept in step by hand).
//!
//! # Notation
//! - `R[x]`: register `x` of the current frame (frame base + x). A frame has at most 255 registers.
//! - `K[x]`: constant `x` of the current proto. `U[x]`: upvalue `x` of the running closure.
//! - `pc`: index of the *next* instruction. Every jump is `pc += j` with `j` signed, so a jump of 0
//!   falls through and a backward jump is negative.
//! - `top`: a frame-local marker set by an instruction that produces a variable number of values
//!   (`Call` with `c == 0`, `VarArg` with `c == 0`) and consumed by the *next* instruction that
//!   takes a variable number (`Call`/`TailCall` with `b == 0`, `Return` with `b == 0`,
//!   `SetList` with `n == 0`). Values produced that way occupy `R[a]..top`.
//! - Conditional jumps are fused: `if <cond> == k then pc += j`. Negating a condition flips `k`.
//! - Arithmetic with a constant (`...K`) or immediate (`...I`) operand always has it on the right;
//!   the compiler loads a left-hand constant into a register (metamethods must see the operands in
//!   source order).
//! - Register convention the VM relies on for error messages and debug info: the n-th active local
//!   variable at a pc lives in register n (locals are allocated in declaration order).
//!
//! # Operand limits
//! Register operands are `u8`; `LoadK`/`Closure` indices and `NewTable`/`SetList` sizes are `u32`;
//! the string-key constant of `GetTabUp`/`GetField`/`SetTabUp`/`SetField`/`SelfK` and the constant of
//! arithmetic `...K` forms is `u16` (the compiler falls back to a register when an index is
//! larger); `EqK`'s constant is `u8`; immediates are `i8`/`i16`/`i32` as typed. Jumps are `i32`.
//!
//! # Verifier rules (per instruction)
//! Every register operand (and every register range an instruction touches, e.g. `R[a]..R[a+n]`)
//! is below the proto's `max_stack`; constant indices are in range and of the kind stated (a string
//! for field keys, a number for arithmetic constants); upvalue indices are below the closure's
//! upvalue count; proto indices are in range; every jump target lies inside the code; an
//! instruction that consumes `top` directly follows one that sets it; the code ends in a return.

/// Register index within a frame.
pub type Reg = u8;
/// Upvalue index within a closure.
pub type Up = u8;

macro_rules! isa {
    ($(
        $(#[doc = $doc:literal])+
        $name:ident = $mnem:literal { $($field:ident : $ty:ty),* }
    )*) => {
        /// One instruction. Fields named `a`, `b`, `c` are registers unless documented
        /// otherwise; `k` is a constant index (or, in conditional jumps, the expected outcome);
        /// `u` an upvalue index; `j` a signed jump; `i` an immediate.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Instr {
            $( $(#[doc = $doc])+ $name { $($field: $ty),* }, )*
        }

        impl Instr {
            /// The mnemonic used by the disassembler and the binary format's docs.
            pub fn name(&self) -> &'static str {
                match self { $( Instr::$name { .. } => $mnem, )* }
            }

            /// The register-transfer description from the table.
            pub fn describe(&self) -> &'static str {
                match self { $( Instr::$name { .. } => concat!($($doc),+).trim_ascii(), )* }
            }

            /// The operands in table order, as (field name, value) pairs.
            pub fn operands(&self) -> Vec<(&'static str, i64)> {
                match *self {
                    $( #[allow(unused_variables)]
                       Instr::$name { $($field),* } => vec![$((stringify!($field), operand_i64($field))),*], )*
                }
            }

            /// The operand field names of the instruction with mnemonic `mnem`, in table order.
            pub fn operand_names(mnem: &str) -> Option<&'static [&'static str]> {
                match mnem {
                    $( $mnem => Some(&[$(stringify!($field)),*]), )*
                    _ => None,
                }
            }

            /// Builds an instruction from its mnemonic and operands in table order (the inverse
            /// of `name` and `operands`); each value must fit its operand's type (`bool`: 0 or 1).
            pub fn from_operands(mnem: &str, ops: &[i64]) -> Result<Instr, OperandError> {
                match mnem {
                    $( #[allow(unused_assignments, unused_mut, unused_variables)]
                       $mnem => {
                        let names: &'static [&'static str] = &[$(stringify!($field)),*];
                        if ops.len() != names.len() {
                            return Err(OperandError::Count { expected: names.len() });
                        }
                        let mut at = 0usize;
                        Ok(Instr::$name { $($field: {
                            let v = ops.get(at).copied().unwrap_or(0);
                            let field = stringify!($field);
                            let x = <$ty as FromI64>::from_i64(v)
                                .ok_or(OperandError::Range { field, value: v, ty: <$ty as FromI64>::RANGE })?;
                            at += 1;
                            x
                        }),* })
                    } )*
                    _ => Err(OperandError::Mnemonic),
                }
            }

            /// Every mnemonic with its description, in table order (for docs and tests).
            pub const TABLE: &'static [(&'static str, &'static str)] = &[
                $( ($mnem, concat!($($doc),+)), )*
            ];

            /// The opcode: the instruction's position in the table (the binary format's tag).
            pub fn opcode(&self) -> u8 {
                match self { $( Instr::$name { .. } => Opcode::$name as u8, )* }
            }

            /// Appends the binary encoding: the opcode byte, then each operand in table order,
            /// little-endian at its type's width (`bool` as one byte 0 or 1).
            pub fn encode(&self, out: &mut Vec<u8>) {
                out.push(self.opcode());
                match *self {
                    $( #[allow(unused_variables)]
                       Instr::$name { $($field),* } => { $( Operand::put($field, out); )* } )*
                }
            }

            /// Decodes one instruction at `*pos`, advancing it; the error says whether the
            /// bytes ran out or were not an instruction.
            pub fn decode(bytes: &[u8], pos: &mut usize) -> Result<Instr, DecodeError> {
                let op = *bytes.get(*pos).ok_or(DecodeError::Truncated)?;
                *pos += 1;
                let Some(read) = DECODERS.get(op as usize) else {
                    return Err(DecodeError::BadOpcode(op));
                };
                read(bytes, pos)
            }
        }

        /// Opcode numbers: table positions, so they come from the table and nothing else.
        #[allow(dead_code)]
        #[repr(u8)]
        enum Opcode { $( $name, )* }

        /// One operand decoder per opcode, indexed by opcode.
        type DecodeFn = fn(&[u8], &mut usize) -> Result<Instr, DecodeError>;
        const DECODERS: &[DecodeFn] = &[
            $( |_bytes, _pos| Ok(Instr::$name { $($field: Operand::take(_bytes, _pos)?),* }), )*
        ];

        /// Number of opcodes in the table (recorded in binary chunks' headers).
        pub const NUM_OPCODES: usize = DECODERS.len();
    };
}

/// Why `Instr::decode` failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes ended inside the instruction.
    Truncated,
    /// No instruction has this opcode.
    BadOpcode(u8),
    /// A `bool` operand was neither 0 nor 1.
    BadOperand,
}

/// Why `Instr::from_operands` failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperandError {
    /// No instruction has this mnemonic.
    Mnemonic,
    /// The instruction takes this many operands.
    Count { expected: usize },
    /// The value does not fit the operand's type (`ty` names the accepted range).
    Range {
        field: &'static str,
        value: i64,
        ty: &'static str,
    },
}

/// Narrowing an `i64` to an operand type, for the assembler.
trait FromI64: Sized {
    /// The accepted range, for messages.
    const RANGE: &'static str;
    fn from_i64(v: i64) -> Option<Self>;
}

macro_rules! from_i64 {
    ($($t:ty),*) => { $(
        impl FromI64 for $t {
            const RANGE: &'static str = concat!(stringify!($t));
            fn from_i64(v: i64) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
        }
    )* };
}
from_i64!(u8, i8, u16, i16, u32, i32);

impl FromI64 for bool {
    const RANGE: &'static str = "bool";
    fn from_i64(v: i64) -> Option<Self> {
        match v {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

/// An operand type's binary encoding (little-endian, fixed width).
trait Operand: Sized {
    fn put(self, out: &mut Vec<u8>);
    fn take(bytes: &[u8], pos: &mut usize) -> Result<Self, DecodeError>;
}

/// The `N` bytes at `*pos`, advancing it.
fn take_bytes<const N: usize>(bytes: &[u8], pos: &mut usize) -> Result<[u8; N], DecodeError> {
    let end = pos.checked_add(N).ok_or(DecodeError::Truncated)?;
    let b = bytes.get(*pos..end).ok_or(DecodeError::Truncated)?;
    let arr = <[u8; N]>::try_from(b).map_err(|_| DecodeError::Truncated)?;
    *pos = end;
    Ok(arr)
}

macro_rules! operand_le {
    ($($t:ty),*) => { $(
        impl Operand for $t {
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn take(bytes: &[u8], pos: &mut usize) -> Result<Self, DecodeError> {
                Ok(<$t>::from_le_bytes(take_bytes(bytes, pos)?))
            }
        }
    )* };
}
operand_le!(u8, i8, u16, i16, u32, i32);

impl Operand for bool {
    fn put(self, out: &mut Vec<u8>) {
        out.push(self as u8);
    }
    fn take(bytes: &[u8], pos: &mut usize) -> Result<Self, DecodeError> {
        match take_bytes::<1>(bytes, pos)? {
            [0] => Ok(false),
            [1] => Ok(true),
            _ => Err(DecodeError::BadOperand),
        }
    }
}

/// Widens any operand type to `i64` for listings.
fn operand_i64<T: Into<OperandValue>>(v: T) -> i64 {
    v.into().0
}

/// Helper so that `bool`, `u8`, `i8`, `u16`, `i16`, `u32` and `i32` operands list uniformly.
pub struct OperandValue(pub i64);
macro_rules! operand_from {
    ($($t:ty),*) => { $( impl From<$t> for OperandValue { fn from(v: $t) -> Self { OperandValue(v as i64) } } )* };
}
operand_from!(u8, i8, u16, i16, u32, i32);
impl From<bool> for OperandValue {
    fn from(v: bool) -> Self {
        OperandValue(v as i64)
    }
}

isa! {
    /// R[a] := R[b]
    Move = "MOVE" { a: Reg, b: Reg }
    /// R[a] := i (integer)
    LoadI = "LOADI" { a: Reg, i: i32 }
    /// R[a] := i as float
    LoadF = "LOADF" { a: Reg, i: i32 }
    /// R[a] := K[k]
    LoadK = "LOADK" { a: Reg, k: u32 }
    /// R[a] := false
    LoadFalse = "LOADFALSE" { a: Reg }
    /// R[a] := false; pc += 1
    LFalseSkip = "LFALSESKIP" { a: Reg }
    /// R[a] := true
    LoadTrue = "LOADTRUE" { a: Reg }
    /// R[a], R[a+1], ..., R[a+n] := nil
    LoadNil = "LOADNIL" { a: Reg, n: u8 }
    /// R[a] := U[u]
    GetUpval = "GETUPVAL" { a: Reg, u: Up }
    /// U[u] := R[a]
    SetUpval = "SETUPVAL" { a: Reg, u: Up }
    /// R[a] := U[u][K[k]]   (K[k] is a string; used for globals through _ENV)
    GetTabUp = "GETTABUP" { a: Reg, u: Up, k: u16 }
    /// R[a] := R[b][R[c]]
    GetTable = "GETTABLE" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b][i]   (integer key)
    GetInt = "GETI" { a: Reg, b: Reg, i: u8 }
    /// R[a] := R[b][K[k]]   (K[k] is a string)
    GetField = "GETFIELD" { a: Reg, b: Reg, k: u16 }
    /// U[u][K[k]] := R[c]   (K[k] is a string)
    SetTabUp = "SETTABUP" { u: Up, k: u16, c: Reg }
    /// R[a][R[b]] := R[c]
    SetTable = "SETTABLE" { a: Reg, b: Reg, c: Reg }
    /// R[a][i] := R[c]   (integer key)
    SetInt = "SETI" { a: Reg, i: u8, c: Reg }
    /// R[a][K[k]] := R[c]   (K[k] is a string)
    SetField = "SETFIELD" { a: Reg, k: u16, c: Reg }
    /// R[a] := {} with room for `narr` array items and `nhash` hash items (hints only)
    NewTable = "NEWTABLE" { a: Reg, nhash: u8, narr: u32 }
    /// R[a+1] := R[b]; R[a] := R[b][K[k]]   (method lookup; K[k] is a string)
    SelfK = "SELF" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] + K[k]   (K[k] is a number)
    AddK = "ADDK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] - K[k]
    SubK = "SUBK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] * K[k]
    MulK = "MULK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] % K[k]
    ModK = "MODK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] ^ K[k]
    PowK = "POWK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] / K[k]
    DivK = "DIVK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] // K[k]
    IDivK = "IDIVK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] & K[k]   (K[k] is an integer)
    BAndK = "BANDK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] | K[k]   (K[k] is an integer)
    BOrK = "BORK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] ~ K[k]   (K[k] is an integer)
    BXorK = "BXORK" { a: Reg, b: Reg, k: u16 }
    /// R[a] := R[b] + i
    AddI = "ADDI" { a: Reg, b: Reg, i: i16 }
    /// R[a] := R[b] - i
    SubI = "SUBI" { a: Reg, b: Reg, i: i16 }
    /// R[a] := R[b] << i
    ShlI = "SHLI" { a: Reg, b: Reg, i: i16 }
    /// R[a] := R[b] >> i
    ShrI = "SHRI" { a: Reg, b: Reg, i: i16 }
    /// R[a] := R[b] + R[c]
    Add = "ADD" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] - R[c]
    Sub = "SUB" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] * R[c]
    Mul = "MUL" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] % R[c]
    Mod = "MOD" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] ^ R[c]
    Pow = "POW" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] / R[c]
    Div = "DIV" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] // R[c]
    IDiv = "IDIV" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] & R[c]
    BAnd = "BAND" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] | R[c]
    BOr = "BOR" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] ~ R[c]
    BXor = "BXOR" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] << R[c]
    Shl = "SHL" { a: Reg, b: Reg, c: Reg }
    /// R[a] := R[b] >> R[c]
    Shr = "SHR" { a: Reg, b: Reg, c: Reg }
    /// R[a] := -R[b]
    Unm = "UNM" { a: Reg, b: Reg }
    /// R[a] := ~R[b]
    BNot = "BNOT" { a: Reg, b: Reg }
    /// R[a] := not R[b]
    Not = "NOT" { a: Reg, b: Reg }
    /// R[a] := #R[b]
    Len = "LEN" { a: Reg, b: Reg }
    /// R[a] := R[a] .. R[a+1] .. ... .. R[a+n-1]   (n >= 2; right-associative, may use R[a..a+n] as scratch)
    Concat = "CONCAT" { a: Reg, n: u8 }
    /// close upvalues and to-be-closed variables in R[a] and above
    Close = "CLOSE" { a: Reg }
    /// mark R[a] as a to-be-closed variable (error if it is not false/nil and has no __close)
    Tbc = "TBC" { a: Reg }
    /// R[a][off+i] := R[a+i] for 1 <= i <= n   (n == 0: up to top)
    SetList = "SETLIST" { a: Reg, n: u8, off: u32 }
    /// R[a] := closure(protos[p]), capturing upvalues as its descriptors say
    Closure = "CLOSURE" { a: Reg, p: u32 }
    /// R[a], ..., R[a+c-2] := vararg   (c == 0: all of them, set top)
    VarArg = "VARARG" { a: Reg, c: u8 }
    /// pc += j
    Jmp = "JMP" { j: i32 }
    /// if (R[a] == R[b]) == k then pc += j
    Eq = "EQ" { a: Reg, b: Reg, k: bool, j: i32 }
    /// if (R[a] < R[b]) == k then pc += j
    Lt = "LT" { a: Reg, b: Reg, k: bool, j: i32 }
    /// if (R[a] <= R[b]) == k then pc += j
    Le = "LE" { a: Reg, b: Reg, k: bool, j: i32 }
    /// if (R[a] == K[c]) == k then pc += j   (raw equality; K[c] is not nil)
    EqK = "EQK" { a: Reg, c: u8, k: bool, j: i32 }
    /// if (R[a] == i) == k then pc += j
    EqI = "EQI" { a: Reg, i: i8, k: bool, j: i32 }
    /// if (R[a] < i) == k then pc += j
    LtI = "LTI" { a: Reg, i: i8, k: bool, j: i32 }
    /// if (R[a] <= i) == k then pc += j
    LeI = "LEI" { a: Reg, i: i8, k: bool, j: i32 }
    /// if (R[a] > i) == k then pc += j
    GtI = "GTI" { a: Reg, i: i8, k: bool, j: i32 }
    /// if (R[a] >= i) == k then pc += j
    GeI = "GEI" { a: Reg, i: i8, k: bool, j: i32 }
    /// if truthy(R[a]) == k then pc += j
    Test = "TEST" { a: Reg, k: bool, j: i32 }
    /// if truthy(R[b]) == k then { R[a] := R[b]; pc += j }
    TestSet = "TESTSET" { a: Reg, b: Reg, k: bool, j: i32 }
    /// R[a], ..., R[a+c-2] := R[a](R[a+1], ..., R[a+b-1])   (b == 0: arguments up to top; c == 0: all results, set top)
    Call = "CALL" { a: Reg, b: u8, c: u8 }
    /// return R[a](R[a+1], ..., R[a+b-1])   (b == 0: arguments up to top; reuses the frame)
    TailCall = "TAILCALL" { a: Reg, b: u8 }
    /// return R[a], ..., R[a+b-2]   (b == 0: up to top; closes upvalues and to-be-closed variables)
    Return = "RETURN" { a: Reg, b: u8 }
    /// return (no values)
    Return0 = "RETURN0" { }
    /// return R[a]
    Return1 = "RETURN1" { a: Reg }
    /// numeric for: check and prepare R[a] (init), R[a+1] (limit), R[a+2] (step); R[a+3] := init; if the loop runs zero times then pc += j (past the matching ForLoop)
    ForPrep = "FORPREP" { a: Reg, j: i32 }
    /// numeric for: advance; if the loop continues then { R[a+3] := next value; pc += j (back to the body) }
    ForLoop = "FORLOOP" { a: Reg, j: i32 }
    /// generic for: mark R[a+3] (closing value) to-be-closed; pc += j (to the TForCall)
    TForPrep = "TFORPREP" { a: Reg, j: i32 }
    /// generic for: R[a+4], ..., R[a+3+c] := R[a](R[a+1], R[a+2])   (always followed by TForLoop)
    TForCall = "TFORCALL" { a: Reg, c: u8 }
    /// generic for: if R[a+4] ~= nil then { R[a+2] := R[a+4]; pc += j (back to the body) }
    TForLoop = "TFORLOOP" { a: Reg, j: i32 }
}

impl Instr {
    /// The jump offset of an instruction that has one.
    pub fn jump(&self) -> Option<i32> {
        match *self {
            Instr::Jmp { j }
            | Instr::Eq { j, .. }
            | Instr::Lt { j, .. }
            | Instr::Le { j, .. }
            | Instr::EqK { j, .. }
            | Instr::EqI { j, .. }
            | Instr::LtI { j, .. }
            | Instr::LeI { j, .. }
            | Instr::GtI { j, .. }
            | Instr::GeI { j, .. }
            | Instr::Test { j, .. }
            | Instr::TestSet { j, .. }
            | Instr::ForPrep { j, .. }
            | Instr::ForLoop { j, .. }
            | Instr::TForPrep { j, .. }
            | Instr::TForLoop { j, .. } => Some(j),
            _ => None,
        }
    }

    /// Replaces the jump offset of an instruction that has one; returns false otherwise.
    pub fn set_jump(&mut self, new: i32) -> bool {
        match self {
            Instr::Jmp { j }
            | Instr::Eq { j, .. }
            | Instr::Lt { j, .. }
            | Instr::Le { j, .. }
            | Instr::EqK { j, .. }
            | Instr::EqI { j, .. }
            | Instr::LtI { j, .. }
            | Instr::LeI { j, .. }
            | Instr::GtI { j, .. }
            | Instr::GeI { j, .. }
            | Instr::Test { j, .. }
            | Instr::TestSet { j, .. }
            | Instr::ForPrep { j, .. }
            | Instr::ForLoop { j, .. }
            | Instr::TForPrep { j, .. }
            | Instr::TForLoop { j, .. } => {
                *j = new;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instruction_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Instr>(), 8);
    }

    #[test]
    fn table_lists_names_and_descriptions() {
        let i = Instr::AddK { a: 1, b: 2, k: 3 };
        assert_eq!(i.name(), "ADDK");
        assert_eq!(i.describe(), "R[a] := R[b] + K[k]   (K[k] is a number)");
        assert_eq!(i.operands(), vec![("a", 1), ("b", 2), ("k", 3)]);
        assert!(Instr::TABLE.iter().any(|(n, _)| *n == "TFORLOOP"));
    }

    #[test]
    fn jumps_patch() {
        let mut i = Instr::Lt {
            a: 0,
            b: 1,
            k: true,
            j: 0,
        };
        assert!(i.set_jump(-7));
        assert_eq!(i.jump(), Some(-7));
        assert!(!Instr::Move { a: 0, b: 0 }.clone().set_jump(1));
    }

    #[test]
    fn encoding_round_trips() {
        let all = [
            Instr::Move { a: 1, b: 200 },
            Instr::LoadI { a: 3, i: -70000 },
            Instr::NewTable {
                a: 0,
                nhash: 4,
                narr: 1 << 20,
            },
            Instr::EqK {
                a: 2,
                c: 9,
                k: true,
                j: -5,
            },
            Instr::AddI {
                a: 1,
                b: 2,
                i: -300,
            },
            Instr::Return0 {},
            Instr::VarArg { a: 7, c: 0 },
        ];
        let mut out = Vec::new();
        for i in &all {
            i.encode(&mut out);
        }
        let mut pos = 0;
        for i in &all {
            assert_eq!(Instr::decode(&out, &mut pos), Ok(*i));
        }
        assert_eq!(pos, out.len());
        assert_eq!(Instr::decode(&out, &mut pos), Err(DecodeError::Truncated));
        assert_eq!(Instr::Move { a: 0, b: 0 }.opcode(), 0);
        assert_eq!(Instr::TABLE.len(), NUM_OPCODES);
        let mut pos = 0;
        assert_eq!(
            Instr::decode(&[NUM_OPCODES as u8], &mut pos),
            Err(DecodeError::BadOpcode(NUM_OPCODES as u8))
        );
        let mut eqk = Vec::new();
        Instr::EqK {
            a: 0,
            c: 0,
            k: true,
            j: 0,
        }
        .encode(&mut eqk);
        eqk[3] = 2;
        assert_eq!(Instr::decode(&eqk, &mut 0), Err(DecodeError::BadOperand));
    }
}
