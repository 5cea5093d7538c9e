10 a$="0123456789":print a$;a$;a$;a$;"abc";pos(0)
