10 for i=1 to 0 step -.5:print i;:next:print
