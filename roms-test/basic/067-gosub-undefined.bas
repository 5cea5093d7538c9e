10 print "a":gosub 999
