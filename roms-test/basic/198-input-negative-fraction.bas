10 input a:print a
#input: -.5
