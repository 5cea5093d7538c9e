10 print "old"
10 print "new"
