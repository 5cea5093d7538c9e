10 get k:if k=0 then 10
20 print k*3
#keys: 7
