10 dim c(2,2,2):for i=0 to 2:c(i,i,i)=i+1:next
20 print c(0,0,0);c(1,1,1);c(2,2,2);c(1,2,0)
