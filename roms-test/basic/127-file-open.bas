10 open 1,3:open 1,3
