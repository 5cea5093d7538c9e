10 print "a"+("b"+("c"+ti$))
