10 for k=1 to 2:for i=1 to 3:read a$:print a$;:next:restore:next:print
20 data x,y,z
