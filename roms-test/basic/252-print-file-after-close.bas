10 open 1,3:close 1:print#1,"x"
