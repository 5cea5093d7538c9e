10 input "a:b";x:print x
#input: 3
