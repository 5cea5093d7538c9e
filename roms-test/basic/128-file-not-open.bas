10 print#2,"x"
