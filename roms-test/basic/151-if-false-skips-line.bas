10 a=0:if a then print "no":print "no2"
20 print "yes"
