10 data a:print "x"
20 read a$:print a$
