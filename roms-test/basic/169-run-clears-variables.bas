10 print a:a=5
#then: run
