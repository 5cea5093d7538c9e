10 open 1,0:print#1,"x"
