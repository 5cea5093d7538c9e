10 a$="0123456789abcdef":for i=1 to 3:a$=a$+a$:next
20 a$=a$+left$(a$,127):print len(a$)
30 a$=a$+"x"
