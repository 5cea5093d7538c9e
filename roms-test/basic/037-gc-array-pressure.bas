10 poke 56,36:clr:dim s$(20)
20 for i=0 to 20:s$(i)=chr$(65+i):next
30 for k=1 to 60:for i=0 to 20:s$(i)=s$(i)+"":t$=s$(i)+"1234567890":next:next
40 for i=0 to 20:print s$(i);:next:print
50 print t$;fre(0)>0
