10 goto 50
