10 x=3:on x-1 goto 20,30
20 print "two"
30 print "three"
