10 for i=1 to 3:gosub 100
100 next i
