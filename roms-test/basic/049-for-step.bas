10 for i=1 to 10 step 3:print i;:next:print
20 for i=5 to 1 step -2:print i;:next:print
30 for i=1 to 0:print "once";:next:print i
