10 input a,b,c:print a+b+c
#input: 1
#input: 2,3
