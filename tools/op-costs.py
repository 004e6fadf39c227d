#!/usr/bin/env python3
"""Instructions each kind of Lua operation costs, per interpreter, from callgrind.

Each case runs a statement N times in a numeric `for` loop and counts the instructions of the
whole run (valgrind --tool=callgrind) minus the same program with zero iterations, divided by
N; the `empty` row is the loop itself, subtracted from the others. Counts do not drift with
the machine's speed or the code's layout, so a change to one arm shows on its own row.

    tools/op-costs.py lua5.4 target/release/tape [OTHER_TAPE ...]

The last column is the second interpreter's cost over the first's. Needs valgrind.
"""
import os, subprocess, re, sys, tempfile
N = 200000
cases = {
 'empty': ('', ''),
 'move': ('local a, b = 1, 2', 'a = b'),
 'getfield': ('local t = {x=1, y=2, z=3}', 'local a = t.y'),
 'setfield': ('local t = {x=1, y=2, z=3}', 't.y = i'),
 'gettable_int': ('local t = {1,2,3,4}', 'local a = t[3]'),
 'gettable_var': ('local t = {1,2,3,4}; local k = 2', 'local a = t[k]'),
 'settable_var': ('local t = {1,2,3,4}; local k = 2', 't[k] = i'),
 'getupval': ('local u = 5; local function f() for i = 1, N do local a = u end end; f()', None),
 'gettabup': ('', 'local a = print'),
 'addf': ('local a, b = 1.5, 2.5', 'local c = a + b'),
 'muli': ('local a, b = 3, 5', 'local c = a * b'),
 'divf': ('local a, b = 1.5, 2.5', 'local c = a / b'),
 'call0': ('local function f() end', 'f()'),
 'call1': ('local function f(x) return x end', 'local a = f(i)'),
 'call2': ('local function f(x, y) return x end', 'local a = f(i, i)'),
 'method': ('local o = {}; function o:m() return self end', 'local a = o:m()'),
 'meta_index': ('local C = {}; C.__index = C; function C.m() end; local o = setmetatable({}, C)', 'local a = o.m'),
 'tailcall': ('local function g(x) return x end; local function f(x) return g(x) end', 'local a = f(i)'),
 'native_abs': ('local abs = math.abs', 'local a = abs(i)'),
 'concat': ('local s = "a"', 'local a = s .. "b"'),
 'len': ('local t = {1,2,3}', 'local a = #t'),
 'eq': ('local a, b = 1, 2; local c', 'if a == b then c = 1 end'),
 'lt': ('local a, b = 1, 2; local c', 'if a < b then c = 1 end'),
 'newtable': ('', 'local t = {}'),
 'newtable3': ('', 'local t = {x = i, y = i, z = i}'),
 'closure': ('', 'local f = function() return i end'),
 'forin_ipairs': ('local t = {}; for i = 1, 10 do t[i] = i end', 'for _, v in ipairs(t) do end'),
 'forin_pairs': ('local t = {}; for i = 1, 10 do t[i] = i end', 'for _, v in pairs(t) do end'),
}
vms = sys.argv[1:]
SCRIPT = os.path.join(tempfile.mkdtemp(prefix="op-costs-"), "case.lua")
def count(vm, src):
    with open(SCRIPT, 'w') as f:
        f.write(src)
    out = subprocess.run(['valgrind', '--tool=callgrind', '--callgrind-out-file=/dev/null', vm, SCRIPT],
                         capture_output=True, text=True).stderr
    return int(re.search(r'refs:\s+([\d,]+)', out).group(1).replace(',', ''))
res = {}
for name,(setup,body) in cases.items():
    if body is None:
        src = setup.replace('N', str(N))
        src0 = setup.replace('N', '0')
    else:
        src = f"{setup}\nfor i = 1, {N} do {body} end\n"
        src0 = f"{setup}\nfor i = 1, 0 do {body} end\n"
    row=[]
    for vm in vms:
        row.append((count(vm,src)-count(vm,src0))/N)
    res[name]=row
base = res['empty']
print('%-14s'%'case' + ''.join('%12s'%v.split('/')[-1][:11] for v in vms) + '   (per iteration, minus empty loop)')
for name,row in res.items():
    vals = [r - (base[i] if name!='empty' else 0) for i,r in enumerate(row)]
    print('%-14s'%name + ''.join('%12.1f'%v for v in vals) + ('   %.2fx' % (vals[1]/vals[0]) if len(vals)>1 and vals[0]>0 else ''))
