10 a=fre(0):b=1:c%=2:d$="x":print a-fre(0)
