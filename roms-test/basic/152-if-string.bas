10 a$="x":if a$="x" then print "match"
20 if a$<>"x" then print "no"
