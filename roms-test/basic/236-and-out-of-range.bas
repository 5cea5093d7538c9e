10 print -32768 or 0
20 print 40000 and 1
