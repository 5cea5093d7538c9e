10 a$="commodore"
20 print left$(a$,3);"/";right$(a$,4);"/";mid$(a$,4,3);"/";mid$(a$,7)
30 print left$(a$,0);"/";mid$(a$,20);"/";right$(a$,20)
