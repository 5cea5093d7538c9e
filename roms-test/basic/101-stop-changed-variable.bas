10 a=1:stop:print a
#then: a=42
#then: cont
