10 for i=1 to 4:on (i and 1)+1 gosub 100,200:next:print:end
100 print "e";:return
200 print "o";:return
