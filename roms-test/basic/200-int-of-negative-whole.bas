10 print int(-3);int(-3.0001);int(3.9999)
