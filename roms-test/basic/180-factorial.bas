10 f=1:for i=1 to 12:f=f*i:next:print f
20 for i=13 to 15:f=f*i:next:print f
