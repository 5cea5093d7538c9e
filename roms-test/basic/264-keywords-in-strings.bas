10 print "print goto";"rem"
