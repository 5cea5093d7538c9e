10 print -5;-0.5;-123.25;-1e12
20 a=-7:print -a;a
