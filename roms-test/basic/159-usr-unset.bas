10 print usr(1)
