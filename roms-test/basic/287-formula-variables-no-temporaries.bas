10 a$="a":b$="b":c$="c":d$="d":e$="e"
20 print a$+(b$+(c$+(d$+e$)))
