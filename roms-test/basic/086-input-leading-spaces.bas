10 input a$:print "[";a$;"]"
#input:   spaced
