10 a=0:print a/a
