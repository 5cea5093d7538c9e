10 print "a"
#then: get a$
