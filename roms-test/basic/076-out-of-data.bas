10 read a:print a:goto 10
20 data 1,2
