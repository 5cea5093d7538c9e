10 read a,b$,c:print a;b$;c
20 restore:read d:print d
30 data 5,"x y",-2.5
