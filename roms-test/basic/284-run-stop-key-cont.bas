10 print "looping"
20 goto 20
#stop
#then: cont
#stop
#then: print "again"
