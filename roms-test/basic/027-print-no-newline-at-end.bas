10 print "x";
