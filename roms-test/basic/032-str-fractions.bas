10 print str$(.5);str$(-1e-03);str$(1e10)
