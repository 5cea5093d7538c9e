10 for i=1 to 5:a$=a$+chr$(64+i):next:print a$;len(a$)
