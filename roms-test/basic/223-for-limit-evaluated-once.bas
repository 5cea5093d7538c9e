10 n=3:for i=1 to n:n=10:print i;:next:print
