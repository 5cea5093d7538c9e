10 print "a"
#then: run 50
