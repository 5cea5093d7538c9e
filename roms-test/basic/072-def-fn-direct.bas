10 print 1
#then: def fn a(x)=x
