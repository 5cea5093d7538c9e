10 for i=1 to 255:if asc(chr$(i))<>i then print i
20 next:print "ok"
