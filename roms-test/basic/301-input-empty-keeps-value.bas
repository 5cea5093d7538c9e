10 a=5:b$="x":input a,b$:print a;b$
#input:
