10 a=5:print "a="a"!"
