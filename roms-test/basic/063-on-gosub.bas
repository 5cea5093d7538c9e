10 for k=1 to 3:on k gosub 100,200,300:next:print "end":end
100 print "a";:return
200 print "b";:return
300 print "c";:return
