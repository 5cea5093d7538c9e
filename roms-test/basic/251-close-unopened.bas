10 close 5:print "ok"
