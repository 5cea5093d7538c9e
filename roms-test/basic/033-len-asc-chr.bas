10 print len("hello");asc("a");chr$(66);asc(chr$(200))
