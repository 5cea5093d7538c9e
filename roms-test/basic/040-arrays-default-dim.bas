10 for i=0 to 10:a(i)=i*i:next:print a(10);a(5)
20 print a(11)
