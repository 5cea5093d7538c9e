10 print mid$("abcdef",3,100);"/";mid$("abc",3,0);"/"
