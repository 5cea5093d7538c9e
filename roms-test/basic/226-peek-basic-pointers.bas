10 print peek(43)+256*peek(44);peek(55)+256*peek(56)
