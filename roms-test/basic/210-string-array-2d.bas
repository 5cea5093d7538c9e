10 dim b$(2,2):for i=0 to 2:for j=0 to 2:b$(i,j)=chr$(65+i*3+j):next j,i
20 for i=0 to 2:for j=0 to 2:print b$(j,i);:next:print:next
