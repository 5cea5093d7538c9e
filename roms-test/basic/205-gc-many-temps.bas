10 dim a$(100):for i=0 to 100:a$(i)=str$(i*i):next
20 for i=1 to 5:for j=0 to 100:a$(j)=a$(j)+"":next:next
30 print a$(100);a$(50);a$(0)
