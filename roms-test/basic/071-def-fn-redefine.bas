10 for i=1 to 2:def fn d(x)=x+i*100:print fn d(1);:next
