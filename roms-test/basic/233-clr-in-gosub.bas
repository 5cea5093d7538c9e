10 gosub 100:print "x"
100 clr:return
