10 print len(str$(1e9));str$(1e9)
