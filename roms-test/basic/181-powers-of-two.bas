10 a=1:for i=1 to 40:a=a*2:next:print a
20 for i=1 to 45:a=a/2:next:print a
