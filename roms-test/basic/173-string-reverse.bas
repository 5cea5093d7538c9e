10 a$="basic":for i=len(a$) to 1 step -1:b$=b$+mid$(a$,i,1):next:print b$
