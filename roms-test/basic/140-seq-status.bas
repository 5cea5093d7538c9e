#drive
10 open 2,8,2,"e,s,w":print#2,"hello":close 2
20 open 2,8,2,"e,s,r":input#2,a$:s=st:close 2:print a$;s
