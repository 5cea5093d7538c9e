10 a=2:for i=a*2 to a*a+2:print i;:next:print
