10 input "a",x
