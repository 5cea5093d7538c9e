10 print exp(89)
