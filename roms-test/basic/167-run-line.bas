10 print "ten"
20 print "twenty"
#then: run 20
