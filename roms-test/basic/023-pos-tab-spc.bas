10 print "ab";pos(0)
20 print tab(5);"x";spc(2);"y"
30 print "abcdef";tab(3);"z"
