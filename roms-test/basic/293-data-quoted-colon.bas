10 read a$,b$:print a$;b$
20 data "a:b",c
