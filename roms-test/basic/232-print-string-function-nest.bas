10 print left$(right$("abcdef",4),2);mid$(str$(12345),3,2)
