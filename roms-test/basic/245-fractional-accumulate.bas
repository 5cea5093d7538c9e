10 for i=1 to 10:x=x+.5:next:print x;x/4
