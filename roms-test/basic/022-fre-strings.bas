10 a=fre(0):b$="ab"+"cd":print a-fre(0)
