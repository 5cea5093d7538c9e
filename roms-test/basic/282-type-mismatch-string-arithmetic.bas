10 print -"a"
