10 for k=0 to 4
20 on k goto 100,200,300
30 print "fall";k
40 next:end
100 print "one":goto 40
200 print "two":goto 40
300 print "three":goto 40
