10 a=1e30:for i=1 to 10:a=a*10:next
