10 print 1,
