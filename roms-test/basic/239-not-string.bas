10 print not "a"
