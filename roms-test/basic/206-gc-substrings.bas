10 poke 56,34:clr:a$="abcdefghijklmnopqrstuvwxyz"
20 for i=1 to 500:b$=mid$(a$,i-int(i/26)*26+1,5):c$=b$+c$:c$=left$(c$,20):next
30 print c$
