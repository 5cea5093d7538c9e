10 print 7/2;-7/2;int(7/2);int(-7/2)
