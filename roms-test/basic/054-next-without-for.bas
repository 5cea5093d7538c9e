10 print "a"
20 next
