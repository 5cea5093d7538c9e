10 on "a" goto 10
