10 print "hi":goto 20
20 rem end
#then: list
