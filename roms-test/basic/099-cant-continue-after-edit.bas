10 print "a":stop
20 print "b"
#then: 20 print "c"
#then: cont
