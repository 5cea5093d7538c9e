10 go to 30
20 print "no"
30 print "yes"
