10 input "x";x:input "y";y:print x+y
#input: 3
#input: 4
