10 for i=1 to 2:gosub 100:next:print "end";i:end
100 for i=1 to 3:next:return
