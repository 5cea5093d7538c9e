10 poke 828,96:sys 828:print "back"
