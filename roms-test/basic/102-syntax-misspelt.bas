10 print "ok"
20 prnt 5
