10 a=5:if a>3 then print "big":print "still"
20 if a<3 then print "no":print "no"
30 if a=5 then 50
40 print "skipped"
50 if a goto 70
60 print "skipped"
70 print "end"
