10 print str$(12);str$(-3.5);val("12ab");val("-1.5e2");val("x")
