10 for i=1 to 11:open i,3:next
