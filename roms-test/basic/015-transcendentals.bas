10 print int(sin(1)*1e6+.5);int(cos(1)*1e6+.5)
20 print int(tan(1)*1e6+.5);int(atn(1)*1e6+.5)
30 print int(exp(1)*1e6+.5);int(log(10)*1e6+.5)
40 print atn(1)*4
