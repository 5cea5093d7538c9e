10 rem
#then: for i=1 to 3:print i;:next
