10 print "a";spc(0);"b";spc(1);"c"
