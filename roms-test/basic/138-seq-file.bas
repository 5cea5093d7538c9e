#drive
10 open 2,8,2,"seq,s,w":print#2,"hello":print#2,42:close 2
20 open 2,8,2,"seq,s,r":input#2,a$,b:close 2:print a$;b
