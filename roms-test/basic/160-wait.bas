10 poke 828,0:wait 828,1,1:print "ok"
