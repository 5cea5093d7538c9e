10 print "x":a(-1)=0
