10 input "a"+"b";x
