10 poke 56,32:clr:for i=1 to 200:a$=a$+"x":next
20 print fre(0)>0;len(a$)
