10 print sgn(5);sgn(-5);sgn(0);abs(-7.5);abs(3)
