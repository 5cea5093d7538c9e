10 input a:print a*2
#input: 1e3
