10 for i=1 to 3:print i:if i=2 then stop
20 next:print "done"
#then: print i*10
#then: cont
