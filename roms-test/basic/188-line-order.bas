30 print "c"
10 print "a"
20 print "b"
