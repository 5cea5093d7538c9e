10 print "a";:print "b"
20 print "c";
30 print
