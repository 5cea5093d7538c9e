10 print fre(0)+65536
