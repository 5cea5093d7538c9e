10 input a,b:print a*b
#input: 6,7
