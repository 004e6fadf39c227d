-- Ends in error() with level 0 (no position) after partial output.
for i = 1, 3 do print("step", i) end
error("plain message without position", 0)
