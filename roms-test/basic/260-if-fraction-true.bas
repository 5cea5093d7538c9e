10 if .1 then print "t"
20 if 0 then print "f"
