10 print mid$("abc",0)
