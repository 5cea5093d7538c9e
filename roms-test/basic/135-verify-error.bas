#drive
10 save "v",8:poke 2054,88
20 verify "v",8
