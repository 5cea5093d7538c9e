10 get a$:if a$="" then 10
20 get b$:print a$;b$
#keys: xy
