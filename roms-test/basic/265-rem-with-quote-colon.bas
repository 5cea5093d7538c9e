10 rem "a:b
20 print "c"
