10 abc=1:abd=2:print abc
20 a=1:a%=2:a$="3":print a;a%;a$
