10 print 1=1 or 1=2 and 0;(1=1 or 1=2) and 0
