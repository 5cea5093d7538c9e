10 input a:print a:print "end"
#input:
