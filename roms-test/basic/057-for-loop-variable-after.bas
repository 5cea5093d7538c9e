10 for i=1 to 5:next:print i
20 for i=10 to 1 step -5:next:print i
