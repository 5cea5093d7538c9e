10 print "a":end
20 print "b"
#then: cont
