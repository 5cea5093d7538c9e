10 a$="0123456789":b$=a$+a$+a$+a$
20 print b$
30 print "next"
