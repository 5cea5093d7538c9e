10 print 1/7;22/7
20 print 1e6/7
