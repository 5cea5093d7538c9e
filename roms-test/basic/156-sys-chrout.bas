10 for i=0 to 5:read b:poke 828+i,b:next
20 sys 828:print
30 data 169,65,32,210,255,96
