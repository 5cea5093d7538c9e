10 a$="ab":print a$+"c"="abc";a$+"c">a$
