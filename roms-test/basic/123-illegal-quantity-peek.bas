10 print peek(65536)
