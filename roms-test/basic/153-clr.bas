10 a=5:b$="x":dim c(3):clr:print a;b$;"/";c(3)
