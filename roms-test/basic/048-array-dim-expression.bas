10 n=4:dim a$(n*2):a$(8)="last":print a$(8)
20 print a$(9)
