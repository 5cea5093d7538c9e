10 n=n+1:if n<20 then gosub 10
20 d=d+1:if d=20 then print n;d
30 return
