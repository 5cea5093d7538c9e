10 print "abc";chr$(20);"d"
