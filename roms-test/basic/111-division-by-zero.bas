10 print 1/0
