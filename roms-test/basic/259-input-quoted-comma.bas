10 input a$:print a$
#input: "hi,there"
