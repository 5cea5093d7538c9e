10 print sqr(16);sqr(0)
20 print int(sqr(2)*1e6+.5)
