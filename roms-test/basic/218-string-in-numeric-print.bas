10 print "a"1"b"
