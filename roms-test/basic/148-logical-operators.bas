10 print 5 and 3;5 or 3;not 5;-1 and 7;12 or 3
