#drive
10 print "saved"
#then: save "prog",8
#then: new
#then: load "prog",8
#then: run
