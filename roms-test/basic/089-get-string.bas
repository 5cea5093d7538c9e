10 get k$:if k$="" then 10
20 print "got ";k$;asc(k$)
#keys: q
