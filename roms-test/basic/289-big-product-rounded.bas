10 print 1e9*1e9;-1e9*1e9
