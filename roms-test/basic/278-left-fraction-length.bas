10 print left$("abc",2.9);mid$("abcdef",2.5,1.9)
