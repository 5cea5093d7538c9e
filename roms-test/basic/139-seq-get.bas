#drive
10 open 2,8,2,"g,s,w":print#2,"xy";:close 2
20 open 2,8,2,"g,s,r":get#2,a$,b$:close 2:print a$;b$
