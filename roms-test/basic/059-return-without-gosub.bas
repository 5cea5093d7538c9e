10 print "x":return
