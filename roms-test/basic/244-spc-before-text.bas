10 print spc(5)"x";tab(2)"y"
