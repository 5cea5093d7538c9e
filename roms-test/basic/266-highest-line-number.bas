63999 print "max"
