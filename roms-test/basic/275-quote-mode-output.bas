10 print chr$(34);chr$(17);"x"
