10 poke 56,32:clr:b$="keep"+"me"
20 for i=1 to 300:a$=a$+"x":if len(a$)=250 then a$=""
30 next:print len(a$);b$
