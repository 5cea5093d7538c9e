10 print asc(chr$(0));len(chr$(0))
