10 a=2:b$="z":print a;b$;a*2;b$+b$;-a
