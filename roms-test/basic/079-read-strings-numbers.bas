10 read a$,b$:print a$;b$;len(a$)
20 data 12,  "  sp"
