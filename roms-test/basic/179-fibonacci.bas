10 a=0:b=1:for i=1 to 10:print a;:c=a+b:a=b:b=c:next:print
