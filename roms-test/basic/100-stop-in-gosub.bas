10 gosub 100:print "back"
20 end
100 print "sub":stop:return
#then: cont
