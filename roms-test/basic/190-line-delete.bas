10 print "a"
20 print "b"
20
