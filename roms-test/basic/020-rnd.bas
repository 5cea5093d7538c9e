10 x=rnd(1):print x>=0 and x<1
20 a=rnd(-5):b=rnd(1):c=rnd(-5):d=rnd(1)
30 print a=c;b=d;a<>b
