10 for i=1 to 3:for j=1 to i:print j;:next j:print:next i
