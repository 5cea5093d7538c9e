10 print "12345";:p=pos(0):print:print p
