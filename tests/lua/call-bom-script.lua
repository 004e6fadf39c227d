#!/usr/bin/env lua5.4
-- This script starts with a byte-order mark and a "#" line, which the interpreter skips.
print(debug.getinfo(1, "l").currentline)
print(pcall(function() error("here") end))
