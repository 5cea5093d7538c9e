10 dim m(2,3):for i=0 to 2:for j=0 to 3:m(i,j)=i*10+j:next j,i
20 print m(2,3);m(1,2);m(0,0)
