10 for x=0 to 1 step .25:print x;:next
