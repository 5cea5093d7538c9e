10 poke 828,123:print peek(828)
20 poke 828,0:print peek(828)
