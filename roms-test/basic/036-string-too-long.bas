10 a$="x":for i=1 to 8:a$=a$+a$:print len(a$);:next
