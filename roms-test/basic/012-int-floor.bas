10 print int(2.9);int(-2.1);int(-.5);int(0);int(123456.789)
