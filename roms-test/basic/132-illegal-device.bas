10 load "x",3
