10 print "a"
20 stop
30 print "b"
#then: cont
