10 on 2.7 gosub 100,200:end
100 print "one":return
200 print "two":return
