10 print fn z(1)
