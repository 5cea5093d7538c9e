10 poke 780,66:sys 65490:print
