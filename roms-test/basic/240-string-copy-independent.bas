10 a$="x"+"":b$=a$:a$="y":print a$;b$
