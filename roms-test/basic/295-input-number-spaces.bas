10 input a:print a
#input: 1 2
