10 for i=1 to 3:for j=1 to 5:if j=2 then next i:goto 30
20 print i;j;:next j
30 print "end";i;j
