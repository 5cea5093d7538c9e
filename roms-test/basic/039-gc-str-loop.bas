10 for i=1 to 1000:a$=str$(i):next:print a$;len(a$)
