10 get k$:print len(k$)
