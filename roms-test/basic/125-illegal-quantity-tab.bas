10 print tab(256)
