10 for i=1 to 2:gosub 100:next:print "t";t:end
100 for j=1 to 3:gosub 200:next:return
200 t=t+1:return
