10 for n=2 to 30:p=1:for d=2 to n-1
20 if n/d=int(n/d) then p=0
30 next d:if p then print n;
40 next n:print
