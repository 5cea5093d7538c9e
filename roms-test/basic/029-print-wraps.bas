10 a$="abcdefghijklmnopqrstuvwxyz"
20 print a$+a$
