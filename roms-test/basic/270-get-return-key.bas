10 get k$:if k$="" then 10
20 print asc(k$)
#input:
