10 gosub 100:print "back";i:end
100 for i=1 to 5:if i=3 then return
110 next
