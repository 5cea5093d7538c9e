10 print int(log(exp(2))+.5);exp(0);sin(0);cos(0);atn(0);tan(0)
