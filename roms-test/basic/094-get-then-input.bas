10 get k$:if k$="" then 10
20 input a$:print k$;a$
#keys: x
#input: yz
