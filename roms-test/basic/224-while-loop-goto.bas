10 i=1
20 if i>100 then 40
30 i=i*3:goto 20
40 print i
