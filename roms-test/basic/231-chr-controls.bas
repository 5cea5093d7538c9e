10 print "a";chr$(13);"b"
