10 open 1,3:cmd 1:print "via cmd":print#1:close 1
