10 open 1,3:print#1,"scr";1:close 1
