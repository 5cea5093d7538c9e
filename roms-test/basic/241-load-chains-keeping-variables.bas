#drive
10 if x=1 then print "loaded again":end
20 x=1:save "me",8:load "me",8
