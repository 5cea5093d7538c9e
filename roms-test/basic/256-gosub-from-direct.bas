10 end
100 print "sub":return
#then: gosub 100
