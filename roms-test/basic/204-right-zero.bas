10 print right$("abc",0);"/";left$("abc",1)
