10 print chr$(65)+(chr$(66)+chr$(67))
20 print "a"+(left$("bc",1)+(mid$("cd",1,1)+str$(1)))
