#drive
10 open 2,8,2,"d,s,w":print#2,"abc":close 2
20 open 2,8,2,"d,s,r":input#2,a:close 2
