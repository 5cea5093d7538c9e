10 dim a(5):for i=1 to 5:read a(i):next
20 for i=1 to 4:for j=1 to 5-i
30 if a(j)>a(j+1) then t=a(j):a(j)=a(j+1):a(j+1)=t
40 next j,i
50 for i=1 to 5:print a(i);:next:print
60 data 5,3,9,1,4
