#drive
10 open 15,8,15:input#15,a,b$,c,d:close 15:print a;c;d
