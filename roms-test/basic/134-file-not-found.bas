#drive
10 load "nosuch",8
