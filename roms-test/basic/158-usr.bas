10 poke 828,96:poke 785,60:poke 786,3:print usr(5)*2
