10 print 1/3:print 2/3:print 10/3
20 print 100/3:print -1/3:print 1e8/3
