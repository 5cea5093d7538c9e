10 rem a
20 rem b
30 rem c
40 rem d
#then: list 20-30
#then: list -10
#then: list 35-
