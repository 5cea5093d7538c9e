10 print "a"+("b"+"c")
20 print "a"+("b"+("c"+"d"))
