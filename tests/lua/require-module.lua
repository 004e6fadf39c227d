-- require: package.path search, caching in package.loaded, loader arguments, errors.
package.path = "./modules/?.lua"
package.cpath = "./modules/?.so"
local m = require("tape_sample_mod")
print(m.greet("lua"), m.loaded_as, m.from, LOAD_COUNT)
local again = require("tape_sample_mod")
print(again == m, LOAD_COUNT, package.loaded.tape_sample_mod == m)
print(select("#", require("tape_sample_mod")), select(2, require("tape_sample_mod")))
print(require("tape_noreturn"), NORETURN_RAN, package.loaded.tape_noreturn)
package.loaded.tape_sample_mod = nil
local fresh = require("tape_sample_mod")
print(fresh ~= m, LOAD_COUNT)
-- preload takes precedence
package.preload.virtual = function(name, extra) return {name = name, extra = extra} end
local v = require("virtual")
print(v.name, v.extra)
-- errors
local ok, err = pcall(require, "tape_does_not_exist")
print(ok, err)
ok, err = pcall(require, "tape_broken")
print(ok, err)
ok, err = pcall(require, "tape_fails")
print(ok, err)
print(pcall(require))
-- package fields
print(type(package.searchers), #package.searchers, type(package.searchpath), package.config:sub(1, 1))
print(package.searchpath("tape_sample_mod", package.path))
print(package.searchpath("nope", "./modules/?.lua;./other/?.x"))
print(package.loaded.string == string, package.loaded._G == _G)
