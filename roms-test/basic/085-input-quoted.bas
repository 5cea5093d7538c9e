10 input a$,b:print a$;b
#input: "a, b",-7
