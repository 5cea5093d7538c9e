10 read a,b,c:print a;b;c
20 data 1e3,-2.5e-2,  7
