10 a$=str$(3)+str$(-4):print a$;len(a$)
