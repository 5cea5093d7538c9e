10 i=i+1:goto 10
#stop
#then: print i>10
