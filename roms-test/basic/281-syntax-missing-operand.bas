10 print "a"
20 print 1+
