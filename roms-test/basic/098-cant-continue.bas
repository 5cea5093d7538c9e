10 print "a":stop
#then: new
#then: cont
