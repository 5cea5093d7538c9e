10 print ""="";"a">"";len("")
