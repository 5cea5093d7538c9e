10 input "name";n$:print "hi ";n$
#input: bob
