10 print tab(10);1;tab(20);2
