10 print left$("abc",256)
