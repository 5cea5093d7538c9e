#drive
10 save "v",8
20 verify "v",8:print "same"
