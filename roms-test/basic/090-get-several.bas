10 for i=1 to 3
20 get k$:if k$="" then 20
30 print k$;:next:print
#keys: abc
