10 print "a"
20 get k:if k=0 then 20
#keys: x
