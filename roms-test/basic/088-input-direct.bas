10 print "a"
#then: input a
