10 print fre("")=fre(0)
