10 input a:print a*2
#input: abc
#input: 5
