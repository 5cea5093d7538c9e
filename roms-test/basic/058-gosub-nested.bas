10 gosub 100:print "c":end
100 print "a";:gosub 200:return
200 print "b";:return
