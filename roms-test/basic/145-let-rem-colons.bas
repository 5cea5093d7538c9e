10 let a=3:let b$="q":print a;b$
20 rem print "x":print "y"
30 print "z"
