10 a$="x":print "a" "b";a$"c"
