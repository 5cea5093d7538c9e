10 a=1:dim a(3):a(2)=5:print a;a(2)
