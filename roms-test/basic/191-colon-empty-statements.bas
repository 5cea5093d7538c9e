10 ::print "x"::
