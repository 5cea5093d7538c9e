10 poke 56,20:clr:dim a$(200)
20 for i=0 to 200:a$(i)=chr$(65+i-int(i/26)*26):next
30 for k=1 to 3:for i=0 to 200:a$(i)=a$(i)+chr$(48+k):next:next
40 print a$(0);a$(25);a$(200)
