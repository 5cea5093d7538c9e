10 for i=1 to 5:read a:s=s+a:next:print s
20 data 1,2
30 print "skip"
40 data 3,4,5
