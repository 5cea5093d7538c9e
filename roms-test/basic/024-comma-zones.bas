10 print 1,2,3
20 print "a","b"
30 print ,"x"
