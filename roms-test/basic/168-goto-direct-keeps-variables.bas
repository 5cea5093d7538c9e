10 a=7:end
20 print a
#then: goto 20
