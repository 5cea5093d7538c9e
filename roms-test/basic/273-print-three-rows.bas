10 a$="abcdefghijklmnopqrstuvwxyz0123456789!#$%"
20 print a$;a$;"12345"
