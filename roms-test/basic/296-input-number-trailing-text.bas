10 input a:print a
#input: 12abc
#input: 7
