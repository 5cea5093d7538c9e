10 on -1 goto 20
20 print "x"
