10 gosub 100:print "a";:gosub 100:print "b"
20 end
100 print "s";:return
