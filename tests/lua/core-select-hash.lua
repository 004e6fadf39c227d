-- select's "#" is recognised by its first character alone, as lua5.4 does.
print(select("#", 1, 2), select("#x", 1, 2), select("#", nil, nil, nil), select("#"))
print(pcall(select, "x", 1))
print(pcall(select, "", 1))
print(select("2", "a", "b", "c"), select(-1, "a", "b"))
