10 print "a"<1
