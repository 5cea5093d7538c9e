10 goto 3 0
20 print "no"
30 print "yes"
